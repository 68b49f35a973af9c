"""Typed NemoVideo errors. Each is a `RenderError`, so a job can surface it as is: `code` names the
failure for the UI, `retryable` says whether trying again can help, and the message is written for a
merchant (no tokens, no raw responses)."""

from __future__ import annotations

from typing import Any

from videos.backends.base import RenderError

SUPPORTED_FORMATS = (
    "mp4",
    "mov",
    "avi",
    "webm",
    "mkv",
    "jpg",
    "jpeg",
    "png",
    "gif",
    "webp",
    "mp3",
    "wav",
    "m4a",
    "aac",
)


class NemoError(RenderError):
    code = "nemo_error"
    retryable = False

    def __init__(
        self,
        message: str,
        *,
        retryable: bool | None = None,
        api_code: int | None = None,
        http_status: int | None = None,
    ) -> None:
        super().__init__(
            message, retryable=self.retryable if retryable is None else retryable, code=self.code
        )
        self.api_code = api_code
        self.http_status = http_status


class NemoAuthError(NemoError):
    """1001 / HTTP 401: the token is bad or expired (and could not be re-acquired)."""

    code = "nemo_auth"


class NemoMissingClientId(NemoError):
    """HTTP 400 from anonymous-token: no X-Client-Id was sent."""

    code = "nemo_client_id"


class NemoSessionNotFound(NemoError):
    """1002: the cloud session is gone; a new one helps."""

    code = "nemo_session_lost"
    retryable = True


class NemoOutOfCredits(NemoError):
    """2001: no credits left. `register_url` is where an anonymous installation registers (or None)."""

    code = "nemo_out_of_credits"

    def __init__(
        self, message: str, *, register_url: str | None = None, user_id: str = "", **kwargs: Any
    ) -> None:
        super().__init__(message, **kwargs)
        self.register_url = register_url
        self.user_id = user_id


class NemoUnsupportedFile(NemoError):
    """4001 (or caught before sending): NemoVideo does not take this kind of file."""

    code = "nemo_unsupported_file"


class NemoFileTooLarge(NemoError):
    """4002 (or caught before sending)."""

    code = "nemo_file_too_large"


class NemoPlanBlocksExport(NemoError):
    """HTTP 402 on export: the free plan may not export. A subscription matter, not credits."""

    code = "nemo_plan_blocks_export"


class NemoRateLimited(NemoError):
    """HTTP 429, still after the one documented wait-and-retry."""

    code = "nemo_rate_limited"
    retryable = True


class NemoNetworkError(NemoError):
    """No answer: connection refused, reset or timed out. `before_send` means the request never left."""

    code = "nemo_network"
    retryable = True

    def __init__(self, message: str, *, before_send: bool = False, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.before_send = before_send


class NemoServerError(NemoError):
    """HTTP 5xx."""

    code = "nemo_server"
    retryable = True


class NemoProtocolError(NemoError):
    """An answer this client does not understand (an unexpected shape or status)."""

    code = "nemo_protocol"


class NemoTimeout(NemoError):
    """The agent or the export did not finish in time. Not retried: a re-sent chat is charged twice."""

    code = "nemo_timeout"


class NemoNoDraft(NemoError):
    """The agent finished without a timeline that could be exported."""

    code = "nemo_no_draft"


class NemoRenderFailed(NemoError):
    """The cloud export reported failure (after the documented retry with a new id)."""

    code = "nemo_render_failed"
    retryable = True


class NemoBadOutput(NemoError):
    """The downloaded file is not a sane H.264 MP4."""

    code = "nemo_bad_output"


class NemoDownloadRefused(NemoError):
    """The rendered video's URL (or a redirect) is on a host outside NEMO_API_URL and NEMO_DOWNLOAD_HOSTS."""

    code = "nemo_download_refused"


def formats_text() -> str:
    return ", ".join(f.upper() for f in SUPPORTED_FORMATS if f != "jpeg")


def error_for_api_code(api_code: int, detail: str, *, http_status: int | None = None) -> NemoError:
    """The typed error for an envelope `code` (docs/nemo-protocol.md §0 "Error codes")."""
    kwargs: dict[str, Any] = {"api_code": api_code, "http_status": http_status}
    suffix = f" ({detail})" if detail else ""
    if api_code == 1001:
        return NemoAuthError(f"NemoVideo rejected the access token{suffix}", **kwargs)
    if api_code == 1002:
        return NemoSessionNotFound(f"NemoVideo lost the editing session{suffix}", **kwargs)
    if api_code == 2001:
        return NemoOutOfCredits("NemoVideo has no credits left for this store", **kwargs)
    if api_code == 4001:
        return NemoUnsupportedFile(
            f"NemoVideo does not accept this file type{suffix}; it takes {formats_text()}", **kwargs
        )
    if api_code == 4002:
        return NemoFileTooLarge(
            f"A file is too large for NemoVideo{suffix}; compress or trim it and try again", **kwargs
        )
    return NemoProtocolError(f"NemoVideo answered with error code {api_code}{suffix}", **kwargs)
