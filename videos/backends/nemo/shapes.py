"""The shapes NemoVideo answers with (docs/nemo-protocol.md, § per shape), and `raise_for`,
which turns an HTTP status and an envelope into the typed error of `errors` (`download_error` does the same
for a failed download of the rendered video)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from videos.backends.nemo.errors import (
    NemoAuthError,
    NemoBadOutput,
    NemoDownloadRefused,
    NemoError,
    NemoMissingClientId,
    NemoNetworkError,
    NemoPlanBlocksExport,
    NemoProtocolError,
    NemoRateLimited,
    NemoRenderFailed,
    NemoServerError,
    NemoSessionNotFound,
    error_for_api_code,
)
from videos.backends.nemo.gui_speak import translate_gui_speak
from videos.media import download as capped


@dataclass
class Session:
    """`data` of POST /api/tasks/me/with-session/nemo_agent (§3)."""

    session_id: str
    task_id: str = ""
    user_id: str = ""


@dataclass
class UploadedFile:
    """One entry of the upload response's `data.files` (§5)."""

    filename: str
    cdn_url: str
    file_type: str = ""
    width: int | None = None
    height: int | None = None
    duration: float | None = None  # seconds here, unlike the draft's ms


@dataclass
class CreditBalance:
    """`data` of GET /api/credits/balance/simple (§6): `total = available + frozen`."""

    available: int
    frozen: int
    total: int


@dataclass
class RenderStatus:
    """An export job, read from any of the three documented poll shapes (§9)."""

    render_id: str
    status: str  # pending | processing | completed | failed
    progress: float | None = None
    output_url: str | None = None
    error: str = ""
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def from_body(cls, body: Any, render_id: str) -> RenderStatus:
        # Shapes: top-level `{status, output: {url}}` (init, v1.9); `{success, data: {status, outputUrl}}`
        # (v4.4 reference); `{code, data: {status, outputUrl}}` (the vendor CLI's unwrap).
        if not isinstance(body, dict):
            raise NemoProtocolError("NemoVideo sent an export status this client does not understand")
        data = body["data"] if isinstance(body.get("data"), dict) else body
        output = data.get("output") if isinstance(data.get("output"), dict) else {}
        url = data.get("outputUrl") or data.get("output_url") or output.get("url")
        status = str(data.get("status") or ("failed" if body.get("success") is False else "")).lower()
        if not status:
            raise NemoProtocolError("NemoVideo sent an export status without a status")
        progress = data.get("progress")
        return cls(
            render_id=str(data.get("id") or data.get("taskId") or render_id),
            status=status,
            progress=float(progress) if isinstance(progress, int | float) else None,
            output_url=url if isinstance(url, str) and url else None,
            error=str(data.get("error") or body.get("error") or ""),
            raw=body,
        )


def draft_of(state: dict[str, Any]) -> Any:
    """The draft in a session state (§7), or None."""
    draft = state["state"].get("draft") if isinstance(state.get("state"), dict) else None
    if isinstance(draft, str):  # some gateways hand the draft over as a JSON string
        try:
            return json.loads(draft)
        except json.JSONDecodeError:
            return None
    return draft


def draft_ready(draft: Any) -> bool:
    """§7: "ready for export when draft.t exists and at least one track has non-empty sg"."""
    tracks = draft.get("t") if isinstance(draft, dict) else None
    return isinstance(tracks, list) and any(isinstance(t, dict) and t.get("sg") for t in tracks)


def uploaded_files(data: Any) -> list[UploadedFile]:
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, list):
        raise NemoProtocolError("NemoVideo did not list the uploaded files")
    out = []
    for item in files:
        if not isinstance(item, dict) or not item.get("cdn_url"):
            raise NemoProtocolError("NemoVideo listed an upload without its URL")
        out.append(
            UploadedFile(
                filename=str(item.get("filename") or ""),
                cdn_url=str(item["cdn_url"]),
                file_type=str(item.get("file_type") or ""),
                width=item.get("width"),
                height=item.get("height"),
                duration=item.get("duration"),
            )
        )
    return out


def raise_for(status: int, body: Any, *, path: str = "", allow_failure: bool = False) -> None:
    """Raise the typed error for an HTTP status and an envelope, or return when it is a success.

    Error codes may come with HTTP 200 or with a 4xx (§0, unknown which), so the body is read first."""
    detail = ""
    if isinstance(body, dict):
        # The vendor's words may reach a merchant, so its GUI talk is translated (§4).
        detail = translate_gui_speak(
            str(body.get("message") or body.get("error") or body.get("detail") or "")[:200]
        )
        code = body.get("code")
        if isinstance(code, int) and code not in (0, 200) and code >= 1000:
            raise error_for_api_code(code, detail, http_status=status)
    if status == 429:
        raise NemoRateLimited(
            "NemoVideo is rate limiting this store; try again in a minute", http_status=status
        )
    if status == 402:
        raise NemoPlanBlocksExport(
            "NemoVideo's free plan does not allow this export. This is the plan, not the credits: "
            "register or upgrade the NemoVideo plan to unlock export",
            http_status=status,
        )
    if status == 401:
        raise NemoAuthError("NemoVideo rejected the access token", http_status=status)
    if status == 400 and "anonymous-token" in path:
        raise NemoMissingClientId("NemoVideo needs a client id to issue a token", http_status=status)
    if status == 404 and "session not found" in detail.lower():
        raise NemoSessionNotFound("NemoVideo lost the editing session", http_status=status)  # ADK's 404 (§10)
    if status >= 500:
        raise NemoServerError(f"NemoVideo had a server error (HTTP {status})", http_status=status)
    if status >= 400:
        raise NemoProtocolError(
            f"NemoVideo refused the request (HTTP {status}{': ' + detail if detail else ''})",
            http_status=status,
        )
    if isinstance(body, dict) and body.get("success") is False and not allow_failure:
        raise NemoRenderFailed(f"NemoVideo refused the export{': ' + detail if detail else ''}")
    if body is None:
        raise NemoProtocolError(f"NemoVideo sent a response this client does not understand (HTTP {status})")


def download_error(exc: capped.DownloadError, max_bytes: int) -> NemoError:
    """The typed NemoVideo error for a failed download (an error answer is read like any other)."""
    if exc.reason in (capped.REFUSED, capped.REDIRECTS):
        return NemoDownloadRefused(f"The rendered video is on a host Showreel does not download from ({exc.host}); "
                                   "allowed: NEMO_API_URL and NEMO_DOWNLOAD_HOSTS")
    if exc.reason == capped.HTTP_STATUS and exc.status is not None:
        try:
            body = json.loads(exc.body) if exc.body else None
        except (json.JSONDecodeError, UnicodeDecodeError):
            body = None
        try:
            raise_for(exc.status, body, path="download")
        except NemoError as error:
            return error
    if exc.reason == capped.TOO_LARGE:
        return NemoProtocolError(f"The exported video is larger than {max_bytes} bytes")
    if exc.reason == capped.EMPTY:
        return NemoBadOutput("NemoVideo sent an empty video file")
    return NemoNetworkError(f"The video download failed ({exc.detail})")
