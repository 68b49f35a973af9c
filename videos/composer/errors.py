"""The composer's one error type for bad input (a product, brand settings or options it cannot use)."""

from __future__ import annotations


class ComposeError(ValueError):
    """`field` names the input (e.g. "options.duration", "product.images[2]"), `message` says why.
    Never retryable: the same input fails the same way (a failed download is a
    `videos.media.download.DownloadError`, wrapped with the media's field by the product loader)."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}" if field else message)
