"""A fake NemoVideo API on loopback, speaking the protocol as documented (docs/nemo-protocol.md):
`{code, message, data}` envelopes, the render proxy's `{success, data}`, a chunked SSE stream with
heartbeats, empty `data:` lines and comments, and every documented error on demand. Its exports are
rendered with our local renderer, so the downloaded MP4 is real.

    with FakeNemoServer(render_canvas=Canvas(width=256, height=256, fps=12)) as fake:
        fake.fail_next("2001", path="/run_sse")
        ... NemoClient(fake.url, ...) ...
        fake.requests  # every request, with headers and JSON body

The same controls over HTTP (for `manage.py nemo_fake`): `POST /_fake/fail {"error", "path"}`,
`POST /_fake/config {"poll_shape", "sse_style", ...}`, `GET /_fake/requests`.
Errors: 1001 1002 2001 4001 4002 402 429 500, "drop" (close without answering), "no_text" (a chat
that only calls tools), "hang" (a chat that only sends heartbeats), "render_failed", "non_h264".
"""

from __future__ import annotations

import email.parser
import email.policy
import json
import re
import secrets
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from devtools.nemo_fake.agent import reply_text, slideshow_draft, write_bgm, write_non_h264
from videos.backends.nemo.errors import SUPPORTED_FORMATS
from videos.spec import Canvas

POLL_SHAPES = ("top_level", "success_data", "code_data")
CHAT_COST = 10


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    json: Any = None
    filenames: list[str] = field(default_factory=list)


@dataclass
class _Session:
    session_id: str
    task_id: str
    user_id: str
    language: str
    files: list[dict[str, Any]] = field(default_factory=list)
    draft: dict[str, Any] | None = None


@dataclass
class _Render:
    render_id: str
    status: str = "pending"
    progress: int = 5
    error: str = ""
    path: Path | None = None
    created_at: int = field(default_factory=lambda: int(time.time() * 1000))
    completed_at: int | None = None
    thread: threading.Thread | None = None


class FakeNemoServer:
    def __init__(
        self,
        *,
        render_canvas: Canvas | None = None,
        poll_shape: str = "success_data",
        sse_style: str = "adk",
        heartbeat_s: float = 0.02,
        max_upload_bytes: int = 500 * 1024 * 1024,
        credits: int = 100,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.render_canvas = render_canvas
        self.poll_shape = poll_shape
        self.sse_style = sse_style
        self.heartbeat_s = heartbeat_s
        self.max_upload_bytes = max_upload_bytes
        self.credits = credits
        self.requests: list[RecordedRequest] = []
        self.tokens: dict[str, str] = {}  # token -> client id
        self.users: dict[str, str] = {}  # client id -> user id
        self.sessions: dict[str, _Session] = {}
        self.renders: dict[str, _Render] = {}
        self._failures: list[tuple[str, str]] = []
        self._lock = threading.Lock()
        self.root = Path(tempfile.mkdtemp(prefix="nemo-fake-"))
        self._httpd = ThreadingHTTPServer((host, port), _Handler)
        self._httpd.daemon_threads = True
        self._httpd.fake = self  # type: ignore[attr-defined]
        self._thread: threading.Thread | None = None
        self.url = f"http://{host}:{self._httpd.server_address[1]}"

    # --- lifecycle and controls --------------------------------------------------------------------
    def start(self) -> FakeNemoServer:
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="nemo-fake", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        for render in list(self.renders.values()):
            if render.thread is not None:
                render.thread.join(timeout=60)
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> FakeNemoServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def fail_next(self, error: str, path: str = "") -> None:
        """The next request whose path starts with `path` gets `error` (see the module docstring)."""
        with self._lock:
            self._failures.append((error, path))

    def take_failure(self, path: str, kinds: set[str] | None = None) -> str | None:
        with self._lock:
            for index, (error, prefix) in enumerate(self._failures):
                if path.startswith(prefix) and (kinds is None or error in kinds):
                    del self._failures[index]
                    return error
        return None

    def api_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if not r.path.startswith("/_fake")]

    # --- helpers for the handler ---------------------------------------------------------------------
    def issue_token(self, client_id: str) -> dict[str, Any]:
        token = f"nmv_usr_{secrets.token_urlsafe(24)}"
        with self._lock:
            self.tokens[token] = client_id
            user_id = self.users.setdefault(client_id, f"anon_{secrets.token_hex(6)}")
        return {
            "token": token,
            "user_id": user_id,
            "expires_at": "2099-01-01T00:00:00Z",
            "credits": self.credits,
        }

    def revoke_tokens_of(self, token: str) -> None:
        with self._lock:
            client = self.tokens.get(token)
            for key in [k for k, v in self.tokens.items() if v == client]:
                del self.tokens[key]

    def new_session(self, token: str, language: str) -> _Session:
        session = _Session(
            session_id=str(secrets.randbelow(9 * 10**18) + 10**18),  # 19 digits, like the docs' example
            task_id=f"task_{secrets.token_hex(4)}",
            user_id=self.users.get(self.tokens.get(token, ""), "anon_unknown"),
            language=language,
        )
        with self._lock:
            self.sessions[session.session_id] = session
        return session

    def store_upload(self, session: _Session, filename: str, data: bytes) -> dict[str, Any]:
        folder = self.root / "cdn" / session.session_id
        folder.mkdir(parents=True, exist_ok=True)
        name = Path(filename).name
        (folder / name).write_bytes(data)
        extension = Path(name).suffix.lower().lstrip(".")
        kind = "image" if extension in {"jpg", "jpeg", "png", "gif", "webp"} else "video"
        if extension in {"mp3", "wav", "m4a", "aac"}:
            kind = "audio"
        record = {
            "filename": name,
            "file_type": kind,
            "cdn_url": f"{self.url}/cdn/{session.session_id}/{name}",
        }
        session.files.append(record)
        return record

    def local_path(self, source: str) -> str | None:
        """Our copy of a CDN URL or sandbox path (what the real cloud's renderer reads)."""
        match = re.search(r"/(?:cdn|mnt/userdata)/(\d+)/([^/?]+)", source)
        if match:
            path = self.root / "cdn" / match[1] / match[2]
            return str(path) if path.exists() else None
        if source.endswith("/bgm/bed.wav"):
            return str(self.bgm_path())
        return None

    def bgm_path(self) -> Path:
        path = self.root / "bgm.wav"
        with self._lock:
            if not path.exists():
                write_bgm(path)
        return path

    def start_render(self, render_id: str, draft: dict[str, Any]) -> _Render:
        render = _Render(render_id)
        with self._lock:
            self.renders[render_id] = render
        failure = self.take_failure("/render", {"render_failed", "non_h264"})
        render.thread = threading.Thread(target=self._render, args=(render, draft, failure), daemon=True)
        render.thread.start()
        return render

    def _render(self, render: _Render, draft: dict[str, Any], failure: str | None) -> None:
        render.status, render.progress = "processing", 40
        out = self.root / "render-result" / f"{render.render_id}.mp4"
        out.parent.mkdir(parents=True, exist_ok=True)
        try:
            if failure == "render_failed":
                raise RuntimeError("invalid draft")
            if failure == "non_h264":
                write_non_h264(out)
            else:
                from videos.backends import get_backend  # lazily: only exports need the local renderer
                from videos.backends.nemo.draft import draft_to_spec

                spec = draft_to_spec(draft, canvas=self.render_canvas, resolve_source=self.local_path)
                get_backend("local").render(spec, out)
            render.path, render.status, render.progress = out, "completed", 100
        except Exception as exc:  # the cloud reports any failure as a failed job
            render.status, render.error = "failed", str(exc) or type(exc).__name__
        render.completed_at = int(time.time() * 1000)

    def render_body(self, render: _Render) -> dict[str, Any]:
        url = f"{self.url}/render-result/{render.render_id}.mp4" if render.status == "completed" else None
        if self.poll_shape == "top_level":  # init .. v1.9 docs (§9 form 1/3)
            body: dict[str, Any] = {
                "taskId": render.render_id,
                "status": render.status,
                "progress": render.progress,
            }
            if url:
                body["output"] = {
                    "url": url,
                    "duration": None,
                    "size": render.path.stat().st_size if render.path else None,
                }
            if render.error:
                body["error"] = render.error
            return body
        data = {
            "id": render.render_id,
            "status": render.status,
            "progress": render.progress,
            "outputUrl": url,
            "createdAt": render.created_at,
            "completedAt": render.completed_at,
        }
        if render.error:
            data["error"] = render.error
        if self.poll_shape == "code_data":  # the vendor CLI's `{code, data}` unwrap (§9 form 4)
            return {"code": 0, "message": "ok", "data": data}
        return {"success": True, "data": data}  # v4.4 reference (§9 form 2)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeNemo/1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet: tests read `fake.requests`
        pass

    @property
    def fake(self) -> FakeNemoServer:
        return self.server.fake  # type: ignore[attr-defined]

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    # --- plumbing ----------------------------------------------------------------------------------
    def _dispatch(self) -> None:
        body = self._read_body()
        path = self.path.split("?", 1)[0]
        record = RecordedRequest(self.command, path, {k: v for k, v in self.headers.items()})
        ctype = self.headers.get("Content-Type", "")
        parts: list[tuple[str, str, bytes]] = []
        if "application/json" in ctype and body:
            try:
                record.json = json.loads(body)
            except json.JSONDecodeError:
                record.json = None
        elif "multipart/form-data" in ctype:
            parts = _multipart(ctype, body)
            record.filenames = [name for _, name, _ in parts]
        self.fake.requests.append(record)
        from devtools.nemo_fake.routes import route  # the routes live beside this plumbing

        route(self, path, record, parts)

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def send_json(self, status: int, payload: Any) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def envelope(self, data: Any, *, code: int = 0, message: str = "ok", status: int = 200) -> None:
        self.send_json(status, {"code": code, "message": message, "data": data})

    def send_file(self, path: Path, content_type: str) -> None:
        data = path.read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def drop(self) -> None:
        """Close the connection without answering: what a network failure looks like to the client."""
        self.close_connection = True

    def start_stream(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()

    def chunk(self, text: str) -> None:
        data = text.encode()
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def end_stream(self) -> None:
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()


def _multipart(content_type: str, body: bytes) -> list[tuple[str, str, bytes]]:
    """(field, filename, bytes) of each part of a multipart/form-data body."""
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    parts = []
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition") or ""
        parts.append((str(name), part.get_filename() or "", part.get_payload(decode=True) or b""))
    return parts


def supported(filename: str) -> bool:
    return Path(filename).suffix.lower().lstrip(".") in SUPPORTED_FORMATS


__all__ = ["POLL_SHAPES", "FakeNemoServer", "RecordedRequest", "reply_text", "slideshow_draft", "supported"]
