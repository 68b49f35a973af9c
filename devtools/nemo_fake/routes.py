"""The fake NemoVideo server's routes (see `server` for the server and its controls)."""

from __future__ import annotations

import contextlib
import json
import re
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from devtools.nemo_fake.agent import reply_text, slideshow_draft

if TYPE_CHECKING:
    from devtools.nemo_fake.server import RecordedRequest, _Handler, _Session

GENERIC_FAILURES = {"1001", "1002", "2001", "4001", "4002", "402", "429", "500", "drop"}
_SESSION_IN_PATH = re.compile(r"/me/(\d+)")


def route(h: _Handler, path: str, record: RecordedRequest, parts: list[tuple[str, str, bytes]]) -> None:
    # The client may go away mid-answer (a timeout, a test ending): then there is nothing to answer.
    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
        _route(h, path, record, parts)


def _route(h: _Handler, path: str, record: RecordedRequest, parts: list[tuple[str, str, bytes]]) -> None:
    fake = h.fake
    if path.startswith("/_fake/"):
        return _control(h, path, record)
    if path.startswith(("/cdn/", "/render-result/", "/bgm/")):
        return _static(h, path)
    failure = fake.take_failure(path, GENERIC_FAILURES)
    if failure and _inject(h, path, failure):
        return
    if path == "/api/auth/anonymous-token" and h.command == "POST":
        client_id = h.headers.get("X-Client-Id", "")
        if not client_id:  # docs/nemo-protocol.md §0/§1: no X-Client-Id is HTTP 400
            return h.send_json(400, {"code": 400, "message": "X-Client-Id header is required"})
        return h.envelope(fake.issue_token(client_id))
    token = h.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if token not in fake.tokens:
        return h.send_json(401, {"code": 1001, "message": "Invalid or expired token", "data": None})
    if path == "/api/tasks/me/with-session/nemo_agent" and h.command == "POST":
        language = (record.json or {}).get("language", "en")
        session = fake.new_session(token, language)
        return h.envelope(
            {"task_id": session.task_id, "session_id": session.session_id, "user_id": session.user_id}
        )
    if path == "/api/credits/balance/simple":
        return h.envelope({"available": fake.credits, "frozen": 0, "total": fake.credits})
    if path.startswith("/api/upload-video/nemo_agent/me/") and h.command == "POST":
        return _upload(h, path, record, parts)
    if path == "/run_sse" and h.command == "POST":
        return _chat(h, record)
    if path.startswith("/api/state/nemo_agent/me/"):
        session = _session(h, path)
        if session is None:
            return h.envelope(None, code=1002, message="Session not found")
        state = {
            "video_infos": session.files,
            "draft": session.draft or {},
            "canvas_config": {"width": 1080, "height": 1080, "aspect_ratio": "1:1"},
            "video_analyses": {},
            "generated_media": [],
        }
        return h.envelope(
            {
                "session_id": session.session_id,
                "task_id": session.task_id,
                "task_name": "project",
                "state": state,
            }
        )
    if path == "/api/render/proxy/lambda" and h.command == "POST":
        return _submit(h, record)
    match = re.fullmatch(r"/api/render/proxy/lambda/([\w-]+)", path)
    if match:
        render = fake.renders.get(match[1])
        if render is None:
            return h.send_json(404, {"success": False, "error": "render not found"})
        return h.send_json(200, fake.render_body(render))
    match = re.fullmatch(r"/api/render/proxy/([\w-]+)/download", path)
    if match:
        return _static(h, f"/render-result/{match[1]}.mp4")
    return h.send_json(404, {"code": 404, "message": f"no route {h.command} {path}"})


def _inject(h: _Handler, path: str, failure: str) -> bool:
    fake = h.fake
    if failure == "drop":
        h.drop()
    elif failure == "429":
        h.send_json(429, {"code": 429, "message": "Too many requests"})
    elif failure == "500":
        data = b"<html><body>Internal Server Error</body></html>"
        h.send_response(500)
        h.send_header("Content-Type", "text/html")
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.write(data)
    elif failure == "402":
        h.send_json(402, {"code": 402, "message": "Free plan export blocked"})
    elif failure == "1001":  # the token expires: it (and its siblings) stop working
        fake.revoke_tokens_of(h.headers.get("Authorization", "").removeprefix("Bearer ").strip())
        h.envelope(None, code=1001, message="Token expired")
    elif failure == "1002":
        session = _session(h, path) if _SESSION_IN_PATH.search(path) else None
        if session is not None:
            fake.sessions.pop(session.session_id, None)
        h.envelope(None, code=1002, message="Session not found")
    elif failure == "2001":
        user = next(iter(fake.users.values()), "anon_unknown")
        h.envelope({"user_id": user}, code=2001, message="Insufficient credits")
    elif failure in {"4001", "4002"}:
        message = "Unsupported file type" if failure == "4001" else "File too large"
        h.send_json(400, {"code": int(failure), "message": message, "data": None})
    return True


def _control(h: _Handler, path: str, record: RecordedRequest) -> None:
    fake = h.fake
    body = record.json or {}
    if path == "/_fake/fail":
        fake.fail_next(str(body.get("error", "")), str(body.get("path", "")))
        return h.send_json(200, {"ok": True})
    if path == "/_fake/config":
        for key in ("poll_shape", "sse_style", "heartbeat_s", "max_upload_bytes", "credits"):
            if key in body:
                setattr(fake, key, body[key])
        return h.send_json(200, {"ok": True})
    if path == "/_fake/requests":
        return h.send_json(200, [r.__dict__ for r in fake.api_requests()])
    return h.send_json(404, {"ok": False})


def _static(h: _Handler, path: str) -> None:
    fake = h.fake
    if path == "/bgm/bed.wav":
        return h.send_file(fake.bgm_path(), "audio/wav")
    if path.startswith("/render-result/"):
        file = fake.root / "render-result" / Path(path).name
        return (
            h.send_file(file, "video/mp4") if file.is_file() else h.send_json(404, {"message": "not found"})
        )
    local = fake.local_path(path)
    if local is None:
        return h.send_json(404, {"message": "not found"})
    return h.send_file(Path(local), "application/octet-stream")


def _session(h: _Handler, path: str) -> _Session | None:
    match = _SESSION_IN_PATH.search(path)
    return h.fake.sessions.get(match[1]) if match else None


def _upload(h: _Handler, path: str, record: RecordedRequest, parts: list[tuple[str, str, bytes]]) -> None:
    from devtools.nemo_fake.server import supported

    fake = h.fake
    session = _session(h, path)
    if session is None:
        return h.envelope(None, code=1002, message="Session not found")
    items: list[tuple[str, bytes]] = [(name, data) for field, name, data in parts if field == "files"]
    if isinstance(record.json, dict) and record.json.get("source_type") == "url":
        for url in record.json.get("urls", []):
            response = httpx.get(url, timeout=30)  # the fake fetches URLs itself, as the cloud does
            items.append((url.rsplit("/", 1)[-1].split("?", 1)[0], response.content))
    if not items:
        return h.send_json(400, {"code": 400, "message": "no files"})
    for name, data in items:
        if not supported(name):
            return h.send_json(400, {"code": 4001, "message": f"Unsupported file type: {name}"})
        if len(data) > fake.max_upload_bytes:
            return h.send_json(400, {"code": 4002, "message": f"File too large: {name}"})
    files = [fake.store_upload(session, name, data) for name, data in items]
    return h.envelope({"files": files, "session_state_applied": True})


def _submit(h: _Handler, record: RecordedRequest) -> None:
    fake = h.fake
    if not all(h.headers.get(f"X-Skill-{name}") for name in ("Source", "Version", "Platform")):
        # without the attribution headers export is refused with 402 (docs/nemo-protocol.md §0)
        return h.send_json(402, {"code": 402, "message": "Export requires skill attribution"})
    body = record.json if isinstance(record.json, dict) else {}
    render_id, draft = body.get("id"), body.get("draft")
    if not render_id or not body.get("sessionId"):
        return h.send_json(400, {"success": False, "error": "id and sessionId are required"})
    if not isinstance(draft, dict) or not any(
        isinstance(t, dict) and t.get("sg") for t in draft.get("t") or []
    ):
        return h.send_json(400, {"success": False, "error": "draft has no tracks with segments"})
    if render_id in fake.renders:
        return h.send_json(409, {"success": False, "error": f"duplicate render id {render_id}"})
    render = fake.start_render(str(render_id), draft)
    return h.send_json(
        200, {"success": True, "data": {"id": render.render_id, "status": "pending", "progress": 5}}
    )


def _chat(h: _Handler, record: RecordedRequest) -> None:
    fake = h.fake
    body = record.json if isinstance(record.json, dict) else {}
    try:
        text = body["new_message"]["parts"][0]["text"]
        session_id = body["session_id"]
        assert body["app_name"] == "nemo_agent"
    except (KeyError, IndexError, TypeError, AssertionError):
        return h.send_json(422, {"detail": "app_name, session_id and new_message.parts[0].text are required"})
    session = fake.sessions.get(str(session_id))
    if session is None:
        return h.send_json(404, {"detail": "Session not found"})  # ADK's answer (docs/nemo-protocol.md §10)
    if fake.credits < 10:
        return h.envelope({"user_id": session.user_id}, code=2001, message="Insufficient credits")
    mode = fake.take_failure("/run_sse", {"no_text", "hang"})
    fake.credits -= 10
    typed = fake.sse_style == "typed"
    h.start_stream()
    pause = fake.heartbeat_s
    for event in _preamble(typed):
        h.chunk(event)
        time.sleep(pause)
    if mode == "hang":  # only heartbeats until the client gives up (or a minute passes)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            h.chunk(_heartbeat(typed))
            time.sleep(max(pause, 0.05))
        return h.end_stream()
    draft = slideshow_draft(
        text, session.files, session_id=session.session_id, bgm_url=f"{fake.url}/bgm/bed.wav"
    )
    session.draft = draft
    h.chunk(_tool(typed, "tool_result", "edit_multitrack"))
    time.sleep(pause)
    if mode != "no_text":
        for event in _reply(typed, reply_text(draft)):
            h.chunk(event)
            time.sleep(pause)
    h.end_stream()


def _data(payload: Any) -> str:
    return f"data: {json.dumps(payload)}\n\n"


def _heartbeat(typed: bool) -> str:
    return _data({"type": "heartbeat"}) if typed else "data:\n\n"


def _tool(typed: bool, kind: str, name: str) -> str:
    if typed:
        return _data({"type": kind, "name": name, "args" if kind == "tool_call" else "result": {}})
    part = {"functionCall": {"id": "af-1", "name": name, "args": {}}}
    if kind == "tool_result":
        part = {"functionResponse": {"id": "af-1", "name": name, "response": {"status": "success"}}}
    return _data(
        {"content": {"parts": [part], "role": "model"}, "author": "nemo_agent", "invocationId": "e-1"}
    )


def _preamble(typed: bool) -> list[str]:
    # A comment, both heartbeat forms, a tool call: what a long generation sounds like.
    return [
        ": ping\n\n",
        _heartbeat(typed),
        "data:\n\n",
        _tool(typed, "tool_call", "edit_multitrack"),
        _heartbeat(typed),
    ]


def _reply(typed: bool, text: str) -> list[str]:
    if typed:
        return [_data({"type": "text", "content": text})]
    half = len(text) // 2
    event = {"author": "nemo_agent", "invocationId": "e-1"}
    # ADK streams partial chunks, then the aggregated final event.
    return [
        _data(event | {"content": {"parts": [{"text": text[:half]}], "role": "model"}, "partial": True}),
        _data(event | {"content": {"parts": [{"text": text[half:]}], "role": "model"}, "partial": True}),
        _data(event | {"content": {"parts": [{"text": text}], "role": "model"}}),
    ]
