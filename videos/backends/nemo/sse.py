"""Reading the agent's `/run_sse` stream (docs/nemo-protocol.md §4 and §10).

Two event shapes are documented and neither is confirmed, so both are read:
- typed (the reverted v4.4 api-reference): `{"type": "text"|"tool_call"|"tool_result"|"heartbeat", ...}`;
- Google ADK events (what `/run_sse` most likely is): `{"content": {"parts": [{"text"} | {"functionCall"} |
  {"functionResponse"}]}, "partial": ..., "author": ...}` and `{"error": "..."}` on failure.
Heartbeats may be `{"type": "heartbeat"}`, an empty `data:` line or an SSE comment (which the SSE decoder
drops). There is no end event: the stream closing ends the turn.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Literal

EventKind = Literal["text", "tool", "heartbeat", "error", "other"]

# The agent sometimes appends "I encountered a temporary issue" after normal output; it is ignored then
# (docs/nemo-protocol.md §4).
_TEMPORARY_ISSUE = re.compile(r"encountered a temporary issue", re.I)


@dataclass
class ChatEvent:
    kind: EventKind
    text: str = ""
    name: str = ""
    partial: bool = False
    api_code: int | None = None


@dataclass
class ChatResult:
    """What one chat turn produced."""

    texts: list[str] = field(default_factory=list)
    partial_texts: list[str] = field(default_factory=list)
    tools: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    heartbeats: int = 0
    # The stream ended early: the connection dropped, or the time ceiling passed.
    disconnected: bool = False
    timed_out: bool = False

    def add(self, event: ChatEvent) -> None:
        if event.kind == "text" and event.text:
            (self.partial_texts if event.partial else self.texts).append(event.text)
        elif event.kind == "tool" and event.name:
            self.tools.append(event.name)
        elif event.kind == "heartbeat":
            self.heartbeats += 1
        elif event.kind == "error":
            self.errors.append(event.text or "unknown error")

    @property
    def text(self) -> str:
        """The agent's reply: the final (non-partial) texts, else the streamed chunks joined."""
        texts = list(self.texts)
        if texts and (len(texts) > 1 or self.tools) and _TEMPORARY_ISSUE.search(texts[-1]):
            texts.pop()
        if texts:
            return "\n".join(t.strip() for t in texts if t.strip())
        return "".join(self.partial_texts).strip()


def parse_event(data: str, event_name: str = "") -> ChatEvent:
    """One SSE event's `data` (and its optional `event:` name) as a ChatEvent."""
    stripped = data.strip()
    if not stripped or event_name in {"heartbeat", "ping"}:
        return ChatEvent("heartbeat")
    try:
        payload = json.loads(stripped)
    except json.JSONDecodeError:
        # Plain text data; "[DONE]" is the OpenAI-style end marker some gateways add.
        return ChatEvent("other") if stripped == "[DONE]" else ChatEvent("text", text=stripped)
    if not isinstance(payload, dict):
        return ChatEvent("other")
    if isinstance(payload.get("type"), str):
        return _typed(payload)
    return _adk(payload)


def _typed(payload: dict[str, Any]) -> ChatEvent:
    kind = payload["type"].lower()
    if kind in {"heartbeat", "ping", "keepalive"}:
        return ChatEvent("heartbeat")
    if kind in {"text", "message", "chunk"}:
        text = payload.get("content", payload.get("text", ""))
        return ChatEvent("text", text=text if isinstance(text, str) else "", partial=kind == "chunk")
    if kind in {"tool_call", "tool_result", "tool_start", "tool_end"}:
        return ChatEvent(
            "tool", name=str(payload.get("name") or payload.get("tool") or payload.get("tool_name") or kind)
        )
    if kind == "error":
        return _error(payload)
    return ChatEvent("other")


def _adk(payload: dict[str, Any]) -> ChatEvent:
    if payload.get("error") or payload.get("errorCode") or payload.get("errorMessage"):
        return _error(payload)
    content = payload.get("content")
    parts = content.get("parts") if isinstance(content, dict) else None
    if not isinstance(parts, list):
        return ChatEvent("other")
    texts: list[str] = []
    for part in parts:
        if not isinstance(part, dict):
            continue
        for key in ("functionCall", "functionResponse", "function_call", "function_response"):
            if isinstance(part.get(key), dict):
                return ChatEvent("tool", name=str(part[key].get("name") or key))
        if isinstance(part.get("text"), str) and not part.get("thought"):
            texts.append(part["text"])
    if texts:
        return ChatEvent("text", text="".join(texts), partial=bool(payload.get("partial")))
    return ChatEvent("other")


def _error(payload: dict[str, Any]) -> ChatEvent:
    message = payload.get("errorMessage") or payload.get("message") or payload.get("error") or ""
    code = payload.get("code", payload.get("errorCode"))
    api_code = int(code) if isinstance(code, int | str) and str(code).isdigit() else None
    return ChatEvent("error", text=str(message), api_code=api_code)
