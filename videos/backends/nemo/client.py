"""A small client for NemoVideo's `nemo_agent` API. Shapes follow docs/nemo-protocol.md (the § named
per call); where the vendor's sources disagree, every documented form is accepted.

Every request carries `Authorization: Bearer` (except anonymous-token) and the three `X-Skill-*`
attribution headers (§0: without them exports are refused with 402). Failures become the typed errors
of `errors`: 1001 re-acquires the token once, 429 waits and retries once, connection failures retry with
a bounded backoff when re-sending is safe; the rest are raised for the caller.
"""

from __future__ import annotations

import importlib.metadata
import json
import mimetypes
import time
import tomllib
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from httpx_sse import EventSource

from videos.backends.nemo.credentials import AnonymousToken, StaticToken, StoredAnonymousToken, TokenProvider
from videos.backends.nemo.errors import (
    NemoAuthError,
    NemoNetworkError,
    NemoProtocolError,
    NemoRateLimited,
    NemoServerError,
    error_for_api_code,
)
from videos.backends.nemo.shapes import (
    CreditBalance,
    RenderStatus,
    Session,
    UploadedFile,
    download_error,
    raise_for,
    uploaded_files,
)
from videos.backends.nemo.sse import ChatEvent, ChatResult, parse_event
from videos.media import download as capped

APP_NAME = "nemo_agent"
SKILL_SOURCE = "ecommerce-product-video"
T = TypeVar("T")


class NemoClient:
    def __init__(
        self,
        base_url: str,
        tokens: TokenProvider | None = None,
        *,
        version: str,
        platform: str = "unknown",
        rate_limit_wait_s: float = 30.0,
        sse_timeout_s: float = 900.0,
        network_attempts: int = 3,
        backoff_s: float = 2.0,
        sleep: Callable[[float], None] = time.sleep,
        timeout_s: float = 60.0,
        download_hosts: list[str] | None = None,
        download_timeout_s: float = 900.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.download_hosts = list(download_hosts or [])
        self.download_timeout_s = download_timeout_s
        self.version = version
        self.platform = platform or "unknown"
        self.rate_limit_wait_s = rate_limit_wait_s
        self.sse_timeout_s = sse_timeout_s
        self.network_attempts = max(1, network_attempts)
        self.backoff_s = backoff_s
        self.sleep = sleep
        self.http = httpx.Client(timeout=httpx.Timeout(timeout_s, write=300.0), follow_redirects=True)
        # Set after construction when the provider needs this client to acquire tokens.
        self.tokens: TokenProvider = tokens  # type: ignore[assignment]

    def close(self) -> None:
        self.http.close()

    # --- headers and the retry loop ------------------------------------------------------------------
    def attribution_headers(self) -> dict[str, str]:
        # §0 "Attribution headers"; the source names the public skill whose calls this client follows.
        return {
            "X-Skill-Source": SKILL_SOURCE,
            "X-Skill-Version": self.version,
            "X-Skill-Platform": self.platform,
        }

    def _headers(self, *, auth: bool = True) -> dict[str, str]:
        headers = self.attribution_headers()
        if auth:
            headers["Authorization"] = f"Bearer {self.tokens.token()}"
        return headers

    def _retrying(
        self, send: Callable[[dict[str, str]], T], *, auth: bool = True, idempotent: bool = False
    ) -> T:
        auth_retried = rate_retried = False
        failures = 0
        while True:
            headers = self._headers(auth=auth)
            try:
                return send(headers)
            except NemoAuthError:
                if not auth or auth_retried:
                    raise
                auth_retried = True  # a provider that cannot refresh raises its own, clearer error
                # §1: re-request an anonymous token with the same X-Client-Id.
                self.tokens.refresh(rejected=headers["Authorization"].removeprefix("Bearer "))
            except NemoRateLimited:
                if rate_retried:
                    raise
                rate_retried = True  # §0: "429 — rate limited; wait 30s and retry once"
                self.sleep(self.rate_limit_wait_s)
            except (NemoNetworkError, NemoServerError) as exc:
                failures += 1
                safe = idempotent or getattr(exc, "before_send", False)
                if not safe or failures >= self.network_attempts:
                    raise
                self.sleep(self.backoff_s * 2 ** (failures - 1))

    def _url(self, path: str) -> str:
        return path if path.startswith(("http://", "https://")) else f"{self.base_url}{path}"

    def _request(self, method: str, path: str, headers: dict[str, str], **kwargs: Any) -> httpx.Response:
        try:
            return self.http.request(method, self._url(path), headers=headers, **kwargs)
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            raise NemoNetworkError(
                f"Cannot reach NemoVideo ({type(exc).__name__})", before_send=True
            ) from None
        except httpx.TransportError as exc:
            raise NemoNetworkError(f"The connection to NemoVideo failed ({type(exc).__name__})") from None

    def _json(
        self,
        method: str,
        path: str,
        *,
        auth: bool = True,
        idempotent: bool = False,
        extra_headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> Any:
        """The `data` of a `{code, message, data}` envelope (§0), raising the typed error otherwise."""

        def send(headers: dict[str, str]) -> Any:
            response = self._request(method, path, headers | (extra_headers or {}), **kwargs)
            body = _body(response)
            raise_for(response.status_code, body, path=path)
            if isinstance(body, dict) and "data" in body:
                return body["data"]
            return body

        return self._retrying(send, auth=auth, idempotent=idempotent)

    # --- endpoints ---------------------------------------------------------------------------------
    def anonymous_token(self, client_id: str) -> AnonymousToken:
        """§1: POST /api/auth/anonymous-token with a stable X-Client-Id; no body."""
        data = self._json(
            "POST", "/api/auth/anonymous-token", auth=False, extra_headers={"X-Client-Id": client_id}
        )
        if not isinstance(data, dict) or not data.get("token"):
            raise NemoProtocolError("NemoVideo issued no token")
        return AnonymousToken.from_data(data)

    def create_session(self, language: str = "en", task_name: str = "project") -> Session:
        """§3: one task + session per project."""
        data = self._json(
            "POST",
            f"/api/tasks/me/with-session/{APP_NAME}",
            json={"task_name": task_name, "language": language},
        )
        if not isinstance(data, dict) or not data.get("session_id"):
            raise NemoProtocolError("NemoVideo created no session")
        return Session(
            str(data["session_id"]), str(data.get("task_id") or ""), str(data.get("user_id") or "")
        )

    def upload_files(self, session_id: str, paths: list[Path]) -> list[UploadedFile]:
        """§5 multipart form: the field `files`, repeated, several files per request."""

        def send(headers: dict[str, str]) -> Any:
            with ExitStack() as stack:  # re-opened per attempt, so a retry sends whole files
                files = [("files", (p.name, stack.enter_context(p.open("rb")), _mime(p))) for p in paths]
                response = self._request(
                    "POST", f"/api/upload-video/{APP_NAME}/me/{session_id}", headers, files=files
                )
            body = _body(response)
            raise_for(response.status_code, body, path="upload")
            return body.get("data") if isinstance(body, dict) else None

        return uploaded_files(self._retrying(send))

    def upload_urls(self, session_id: str, urls: list[str]) -> list[UploadedFile]:
        """§5 JSON form: `{"urls": [...], "source_type": "url"}`."""
        data = self._json(
            "POST", f"/api/upload-video/{APP_NAME}/me/{session_id}", json={"urls": urls, "source_type": "url"}
        )
        return uploaded_files(data)

    def chat(
        self, session_id: str, text: str, *, on_event: Callable[[ChatEvent], None] | None = None
    ) -> ChatResult:
        """§4: send one message and read the SSE stream until it closes or `sse_timeout_s` passes.

        A stream that drops is not re-sent (that would run, and charge, the work twice): the result says
        `disconnected` and the caller reads the state instead."""
        body = {
            "app_name": APP_NAME,
            "user_id": "me",
            "session_id": session_id,
            "new_message": {"parts": [{"text": text}]},
        }

        def send(headers: dict[str, str]) -> ChatResult:
            result = ChatResult()
            deadline = time.monotonic() + self.sse_timeout_s
            headers = headers | {"Accept": "text/event-stream", "Cache-Control": "no-store"}
            timeout = httpx.Timeout(min(self.sse_timeout_s, 300.0), connect=30.0)
            try:
                with self.http.stream(
                    "POST", self._url("/run_sse"), headers=headers, json=body, timeout=timeout
                ) as response:
                    if "text/event-stream" not in response.headers.get("content-type", ""):
                        response.read()
                        raise_for(response.status_code, _body(response), path="/run_sse")
                        raise NemoProtocolError("NemoVideo answered the chat without an event stream")
                    for sse in EventSource(response).iter_sse():
                        event = parse_event(sse.data, sse.event if sse.event != "message" else "")
                        if event.kind == "error" and event.api_code:
                            raise error_for_api_code(event.api_code, event.text)
                        result.add(event)
                        if on_event is not None:
                            on_event(event)
                        if time.monotonic() > deadline:
                            result.timed_out = True
                            break
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                raise NemoNetworkError(
                    f"Cannot reach NemoVideo ({type(exc).__name__})", before_send=True
                ) from None
            except httpx.ReadTimeout:
                result.timed_out = True
            except httpx.TransportError:
                result.disconnected = True
            return result

        return self._retrying(send)

    def get_state(self, session_id: str) -> dict[str, Any]:
        """§7: `data` with `state.draft`, `state.video_infos`, `state.canvas_config`..."""
        data = self._json("GET", f"/api/state/{APP_NAME}/me/{session_id}/latest", idempotent=True)
        if not isinstance(data, dict):
            raise NemoProtocolError("NemoVideo sent a session state this client does not understand")
        return data

    def credits(self) -> CreditBalance:
        """§6."""
        data = self._json("GET", "/api/credits/balance/simple", idempotent=True)
        try:
            available, frozen = int(data["available"]), int(data.get("frozen", 0))
            return CreditBalance(available, frozen, int(data.get("total", available + frozen)))
        except (KeyError, TypeError, ValueError):
            raise NemoProtocolError(
                "NemoVideo sent a credit balance this client does not understand"
            ) from None

    def submit_render(
        self, render_id: str, session_id: str, draft: dict[str, Any], output: dict | None = None
    ) -> RenderStatus:
        """§8: `{"id", "sessionId" (camelCase, sic), "draft", "output"}`; answered `{success, data}`."""
        payload = {
            "id": render_id,
            "sessionId": session_id,
            "draft": draft,
            "output": output or {"format": "mp4", "quality": "high"},
        }
        data = self._json("POST", "/api/render/proxy/lambda", json=payload)
        if isinstance(data, dict) and data.get("status"):
            return RenderStatus.from_body(data, render_id)
        return RenderStatus(render_id, "pending")  # the vendor CLI ignores this answer too

    def render_status(self, render_id: str) -> RenderStatus:
        """§9 poll; all three documented shapes."""

        def send(headers: dict[str, str]) -> RenderStatus:
            response = self._request("GET", f"/api/render/proxy/lambda/{render_id}", headers)
            body = _body(response)
            raise_for(response.status_code, body, path="render", allow_failure=True)
            return RenderStatus.from_body(body, render_id)

        return self._retrying(send, idempotent=True)

    def download(self, url: str, dest: Path, *, max_bytes: int) -> int:
        """Stream the rendered video at `url` into `dest` (at most `max_bytes`); returns its size.

        Only from NEMO_API_URL's own origin or a NEMO_DOWNLOAD_HOSTS host over HTTPS, redirects included
        (each hop is checked; anywhere else is `NemoDownloadRefused`). Our token goes to the API's origin only."""
        api_origin = _origin(self.base_url)

        def headers_for(target: str) -> dict[str, str]:
            if _origin(target) == api_origin:
                return self._headers()
            return self.attribution_headers()

        def send(_headers: dict[str, str]) -> int:
            try:
                return capped.download(self._url(url), dest, max_bytes=max_bytes, timeout_s=self.download_timeout_s,
                                       client=self.http, allow=self.download_allowed, headers=headers_for).size
            except capped.DownloadError as exc:
                raise download_error(exc, max_bytes) from None

        return self._retrying(send, auth=_origin(self._url(url)) == api_origin, idempotent=True)

    def download_allowed(self, url: str) -> bool:
        """The API's own origin, or HTTPS on a host in NEMO_DOWNLOAD_HOSTS (no credentials in the URL)."""
        parts = urlsplit(url)
        if parts.username or parts.password:
            return False
        if _origin(url) == _origin(self.base_url):
            return True
        return parts.scheme == "https" and capped.host_matches(parts.hostname or "", self.download_hosts)

    def download_fallback_url(self, render_id: str) -> str:
        """§9: GET /api/render/proxy/<id>/download returns the file bytes."""
        return f"/api/render/proxy/{render_id}/download"


def _origin(url: str) -> str:
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    return f"{parts.scheme}://{(parts.hostname or '').lower()}:{port}"


def _body(response: httpx.Response) -> Any:
    try:
        return response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None


def _mime(path: Path) -> str:
    return mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def package_version() -> str:
    """Our version for `X-Skill-Version`: the installed distribution's, else pyproject.toml's."""
    try:
        return importlib.metadata.version("showreel")
    except importlib.metadata.PackageNotFoundError:
        pyproject = Path(settings.BASE_DIR) / "pyproject.toml"
        try:
            return str(tomllib.loads(pyproject.read_text())["project"]["version"])
        except (OSError, KeyError, tomllib.TOMLDecodeError):
            return "0.0.0"


def client_from_settings(**overrides: Any) -> NemoClient:
    """A client configured from the `NEMO_*` settings; `overrides` replace constructor arguments."""
    options: dict[str, Any] = {
        "version": package_version(),
        "platform": settings.NEMO_SKILL_PLATFORM,
        "rate_limit_wait_s": settings.NEMO_RATE_LIMIT_WAIT_S,
        "sse_timeout_s": settings.NEMO_SSE_TIMEOUT_S,
        "download_hosts": settings.NEMO_DOWNLOAD_HOSTS,
    } | overrides
    base_url = options.pop("base_url", settings.NEMO_API_URL)
    client = NemoClient(base_url, options.pop("tokens", None), **options)
    if client.tokens is None:
        if settings.NEMO_TOKEN:
            client.tokens = StaticToken(settings.NEMO_TOKEN, settings.NEMO_CLIENT_ID)
        else:
            client.tokens = StoredAnonymousToken(client.anonymous_token, settings.NEMO_CLIENT_ID)
    return client
