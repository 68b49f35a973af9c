"""The NemoVideo backend: render a spec in the cloud, step by step.

NemoVideo is an agent, not a renderer: it takes media and an instruction and builds its own timeline.
So a spec is rendered by uploading its photos and clips (`inputs`), describing the wanted video
(`prompt`, or the merchant's own instruction from `spec.metadata["instruction"]`) in the session's
language (`language`), reading the draft the agent made from the session state, exporting that draft,
then downloading and checking the MP4 and taking its poster (`output`) (docs/nemo-protocol.md §3-§9).
This module only orders those steps, retries what the protocol says to retry and reports progress.
"""

from __future__ import annotations

import os
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings

from videos.backends.base import ProgressCallback, RenderResult
from videos.backends.nemo.client import NemoClient, client_from_settings
from videos.backends.nemo.draft import describe_spec, draft_to_spec
from videos.backends.nemo.errors import (
    NemoNoDraft,
    NemoOutOfCredits,
    NemoRenderFailed,
    NemoSessionNotFound,
    NemoTimeout,
)
from videos.backends.nemo.gui_speak import translate_gui_speak
from videos.backends.nemo.inputs import SourceMedia, collect_media, source_resolver
from videos.backends.nemo.language import detect_language
from videos.backends.nemo.output import VideoInfo, check_mp4, extract_poster, poster_time
from videos.backends.nemo.prompt import build_instruction
from videos.backends.nemo.shapes import RenderStatus, Session, UploadedFile, draft_of, draft_ready
from videos.backends.nemo.sse import ChatEvent, ChatResult
from videos.spec import SpecError, VideoSpec

MAX_DOWNLOAD_BYTES = 2 * 1024**3
# docs/nemo-protocol.md §4 "Disconnect recovery": query the state, then keep looking a few times before giving up.
STATE_POLLS = 5


@dataclass
class _Run:
    session: Session
    uploads: list[UploadedFile]
    chat: ChatResult
    draft: dict[str, Any]
    details: dict[str, Any] = field(default_factory=dict)


class NemoBackend:
    name = "nemo"

    def __init__(
        self,
        client: NemoClient | None = None,
        *,
        poll_interval_s: float | None = None,
        render_timeout_s: float | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self._client = client
        self.poll_interval_s = settings.NEMO_POLL_INTERVAL_S if poll_interval_s is None else poll_interval_s
        self.render_timeout_s = (
            settings.NEMO_RENDER_TIMEOUT_S if render_timeout_s is None else render_timeout_s
        )
        self.sleep = sleep or (client.sleep if client is not None else time.sleep)

    def render(
        self,
        spec: VideoSpec,
        output: Path,
        *,
        poster: Path | None = None,
        progress: ProgressCallback | None = None,
        cores: int | None = None,  # renders in the cloud: this machine's cores are not used
    ) -> RenderResult:
        started = time.monotonic()
        report = _forward_only(progress)
        client = self._client or client_from_settings()
        output = Path(output)
        try:
            media = collect_media(spec)
            instruction = build_instruction(spec, media)
            report(0.02, "connecting")
            for attempt in (1, 2):  # 1002 at any step: a new session, once (§0)
                try:
                    run = self._compose(client, media, instruction, report)
                    status = self._export(client, run, report)
                    break
                except NemoSessionNotFound:
                    if attempt == 2:
                        raise
            report(0.9, "downloading")
            info = self._deliver(client, status, spec, output, poster)
        except NemoOutOfCredits as exc:
            raise self._with_register_link(exc, client) from None
        finally:
            if self._client is None:
                client.close()
        report(1.0, "done")
        return RenderResult(
            path=output,
            duration_s=info.duration_s,
            size_bytes=info.size_bytes,
            width=info.width,
            height=info.height,
            render_s=time.monotonic() - started,
            poster_path=poster,
            details=run.details | {"render_id": status.render_id},
        )

    # --- steps -------------------------------------------------------------------------------------
    def _compose(
        self, client: NemoClient, media: list[SourceMedia], instruction: str, report: ProgressCallback
    ) -> _Run:
        session = client.create_session(language=detect_language(instruction))
        report(0.05, "uploading")
        uploads: list[UploadedFile] = []
        files = [m.path for m in media if m.path is not None]
        urls = [m.url for m in media if m.url is not None]
        if files:
            uploads += client.upload_files(session.session_id, files)
        if urls:
            uploads += client.upload_urls(session.session_id, urls)
        report(0.15, "generating")
        ticks = [0]

        def on_event(event: ChatEvent) -> None:
            ticks[0] += 1  # each event (heartbeats too) nudges the bar, never past the chat's share
            report(min(0.55, 0.15 + 0.4 * (1 - 0.97 ** ticks[0])), "generating")

        try:
            chat = client.chat(session.session_id, instruction, on_event=on_event)
        except NemoOutOfCredits as exc:
            exc.user_id = exc.user_id or session.user_id  # §0: the bind id comes from create-session
            raise
        draft, state = self._read_draft(client, session, chat)
        run = _Run(session, uploads, chat, draft)
        run.details = {
            "backend": self.name,
            "session_id": session.session_id,
            "task_id": session.task_id,
            "instruction": instruction,
            "draft": draft,
            "canvas_config": (state.get("state") or {}).get("canvas_config"),
        }
        message = translate_gui_speak(chat.text) if chat.text else ""
        try:
            local = draft_to_spec(draft, resolve_source=source_resolver(media, uploads))
            run.details["draft_spec"] = local.to_dict()
            run.details["summary"] = describe_spec(local)
        except SpecError as exc:  # the cloud exports its own draft; ours is only a record
            run.details["draft_error"] = str(exc)
        # Many edits end with no text (§4): then the state is the answer.
        run.details["message"] = message or run.details.get("summary", "NemoVideo prepared the timeline.")
        return run

    def _read_draft(self, client: NemoClient, session: Session, chat: ChatResult) -> tuple[dict, dict]:
        state = client.get_state(session.session_id)
        polls = 0
        while not draft_ready(draft_of(state)):
            if chat.text and not (chat.disconnected or chat.timed_out):
                detail = translate_gui_speak(chat.text)
                raise NemoNoDraft(f"NemoVideo finished without a video timeline: {detail}")
            if polls >= STATE_POLLS:
                if chat.timed_out or chat.disconnected:
                    raise NemoTimeout("NemoVideo did not finish the video in time; try again later")
                errors = "; ".join(chat.errors) or "no reply"
                raise NemoNoDraft(f"NemoVideo finished without a video timeline ({errors})")
            polls += 1
            self.sleep(self.poll_interval_s)
            state = client.get_state(session.session_id)
        return draft_of(state), state

    def _export(self, client: NemoClient, run: _Run, report: ProgressCallback) -> RenderStatus:
        report(0.6, "exporting")
        for attempt in (1, 2):  # §8: on failure, a new id and one retry
            render_id = f"render_{uuid.uuid4().hex}"
            try:
                client.submit_render(render_id, run.session.session_id, run.draft)
                return self._poll(client, render_id, report)
            except NemoRenderFailed:
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _poll(self, client: NemoClient, render_id: str, report: ProgressCallback) -> RenderStatus:
        deadline = time.monotonic() + self.render_timeout_s
        while True:
            self.sleep(self.poll_interval_s)
            status = client.render_status(render_id)
            if status.status == "completed":
                return status
            if status.status == "failed":
                reason = translate_gui_speak(status.error) if status.error else "no reason given"
                raise NemoRenderFailed(f"NemoVideo could not export the video ({reason})")
            if status.progress is not None:
                report(0.6 + 0.3 * max(0.0, min(status.progress, 100.0)) / 100, "exporting")
            if time.monotonic() > deadline:
                raise NemoTimeout("NemoVideo did not finish exporting the video in time; try again later")

    def _deliver(
        self, client: NemoClient, status: RenderStatus, spec: VideoSpec, output: Path, poster: Path | None
    ) -> VideoInfo:
        """Download to a temp file beside `output`, check it, take the poster, then rename into place."""
        output.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.", suffix=".part")
        os.close(handle)
        temp = Path(name)
        try:
            client.download(
                status.output_url or client.download_fallback_url(status.render_id),
                temp,
                max_bytes=MAX_DOWNLOAD_BYTES,
            )
            info = check_mp4(temp)
            if poster is not None:
                extract_poster(temp, Path(poster), poster_time(spec, info.duration_s))
            os.replace(temp, output)
            return info
        finally:
            temp.unlink(missing_ok=True)

    def _with_register_link(self, exc: NemoOutOfCredits, client: NemoClient) -> NemoOutOfCredits:
        if not client.tokens.can_refresh:  # a registered account (NEMO_TOKEN): its owner tops up
            return NemoOutOfCredits(
                f"{exc.message}; top up credits in the NemoVideo account", api_code=exc.api_code
            )
        user_id = exc.user_id or client.tokens.user_id
        url = exc.register_url or (register_url(user_id) if user_id else None)
        message = (
            f"{exc.message}; register this store with NemoVideo to get more: {url}" if url else exc.message
        )
        return NemoOutOfCredits(message, register_url=url, api_code=exc.api_code)


# --- plain functions -----------------------------------------------------------------------------------


def register_url(user_id: str) -> str:
    """§0 2001: anonymous users register with `?bind=<user_id>` (the page's path is not documented)."""
    return f"{settings.NEMO_WEB_URL.rstrip('/')}/?bind={user_id}"


def _forward_only(progress: ProgressCallback | None) -> ProgressCallback:
    """Progress that never goes back (a new session after 1002 starts the steps over)."""
    best = [0.0]

    def report(fraction: float, stage: str) -> None:
        best[0] = max(best[0], fraction)
        if progress is not None:
            progress(best[0], stage)

    return report
