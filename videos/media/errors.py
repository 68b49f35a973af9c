"""The one error type for bad input media."""

from __future__ import annotations

from pathlib import Path

from videos.backends.base import RenderError


class MediaError(RenderError):
    """An input file cannot be used: missing, empty, too big, corrupt, of an unsupported type...

    `str(error)` is one line naming the file and the reason, e.g. ``photo.jpg: file is empty``.
    Never retryable: the same file fails the same way."""

    def __init__(self, path: str | Path, reason: str, *, code: str = "bad_media") -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}", retryable=False, code=code)
