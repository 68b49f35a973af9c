"""Plain functions of the NemoVideo backend: SSE events, GUI-speak, poll shapes, instructions."""

from __future__ import annotations

from typing import Any

import pytest

from videos.backends.nemo.errors import NemoProtocolError
from videos.backends.nemo.gui_speak import translate_gui_speak
from videos.backends.nemo.inputs import collect_media
from videos.backends.nemo.language import detect_language
from videos.backends.nemo.output import poster_time
from videos.backends.nemo.prompt import build_instruction
from videos.backends.nemo.shapes import RenderStatus, draft_ready
from videos.backends.nemo.sse import ChatEvent, ChatResult, parse_event
from videos.spec import VideoSpec

# --- SSE events --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data,event,expected",
    [
        ("", "", ChatEvent("heartbeat")),
        ("   ", "", ChatEvent("heartbeat")),
        ('{"type":"heartbeat"}', "", ChatEvent("heartbeat")),
        ("{}", "heartbeat", ChatEvent("heartbeat")),
        ('{"type":"text","content":"Hi"}', "", ChatEvent("text", text="Hi")),
        (
            '{"type":"tool_call","name":"generate_video_with_seedance","args":{}}',
            "",
            ChatEvent("tool", name="generate_video_with_seedance"),
        ),
        (
            '{"type":"error","code":2001,"message":"no credits"}',
            "",
            ChatEvent("error", text="no credits", api_code=2001),
        ),
        (
            '{"content":{"parts":[{"text":"He"}],"role":"model"},"partial":true}',
            "",
            ChatEvent("text", text="He", partial=True),
        ),
        (
            '{"content":{"parts":[{"functionCall":{"id":"a","name":"edit_multitrack","args":{}}}]}}',
            "",
            ChatEvent("tool", name="edit_multitrack"),
        ),
        (
            '{"content":{"parts":[{"functionResponse":{"name":"edit_multitrack","response":{}}}]}}',
            "",
            ChatEvent("tool", name="edit_multitrack"),
        ),
        ('{"content":{"parts":[{"text":"thinking...","thought":true}]}}', "", ChatEvent("other")),
        ('{"error": "boom"}', "", ChatEvent("error", text="boom")),
        ("[DONE]", "", ChatEvent("other")),
        ("plain words", "", ChatEvent("text", text="plain words")),
        ("[1, 2]", "", ChatEvent("other")),
    ],
)
def test_sse_events_of_both_documented_shapes(data: str, event: str, expected: ChatEvent) -> None:
    assert parse_event(data, event) == expected


def test_chat_text_prefers_final_events_and_drops_a_trailing_temporary_issue() -> None:
    result = ChatResult()
    for event in [
        ChatEvent("text", text="Do", partial=True),
        ChatEvent("text", text="ne.", partial=True),
        ChatEvent("tool", name="edit_multitrack"),
        ChatEvent("text", text="Done."),
        ChatEvent("text", text="I encountered a temporary issue, please retry."),
    ]:
        result.add(event)
    assert result.text == "Done."


def test_chat_text_falls_back_to_partial_chunks() -> None:
    result = ChatResult()
    result.add(ChatEvent("text", text="Hel", partial=True))
    result.add(ChatEvent("text", text="lo", partial=True))
    assert result.text == "Hello"


# --- GUI-speak ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,expected",
    [
        (
            "Your video is ready! Click the Export button to download it.",
            "Your video is ready! Showreel exports the video for you.",
        ),
        (
            "Drag the clips on the timeline to reorder them.",
            "To change the order or timing, describe the change and Showreel applies it.",
        ),
        ("Open the music panel to pick a song.", "Showreel checks the project's current state for you."),
        ("You can preview in the timeline.", "The timeline summary shows every track."),
        ("Check your account to buy credits.", "Showreel shows your NemoVideo credit balance in the app."),
        ("Click Apply.", "Showreel takes care of that step for you."),
        ("视频已生成。点击导出按钮即可下载。", "视频已生成。Showreel 会自动为你导出视频。"),
        ("请拖拽片段调整顺序。", "如需调整顺序或时长，请描述修改内容，Showreel 会为你完成。"),
        (
            'Added a title "Summer" (white, top-center, 3s fade-in).',
            'Added a title "Summer" (white, top-center, 3s fade-in).',
        ),
        ("Click Export. Then click the Export button again.", "Showreel exports the video for you."),
    ],
)
def test_gui_speak_is_translated_and_content_kept(text: str, expected: str) -> None:
    assert translate_gui_speak(text) == expected


# --- poll shapes --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        {
            "taskId": "render_1",
            "status": "completed",
            "progress": 100,
            "output": {"url": "https://cdn/x.mp4", "duration": 30.5},
        },
        {
            "success": True,
            "data": {
                "id": "render_1",
                "status": "completed",
                "progress": 100,
                "outputUrl": "https://cdn/x.mp4",
            },
        },
        {"code": 0, "data": {"status": "completed", "outputUrl": "https://cdn/x.mp4"}},
    ],
    ids=["top_level", "success_data", "code_data"],
)
def test_render_status_reads_all_three_poll_shapes(body: dict[str, Any]) -> None:
    status = RenderStatus.from_body(body, "render_1")
    assert (status.render_id, status.status, status.output_url) == (
        "render_1",
        "completed",
        "https://cdn/x.mp4",
    )


def test_render_status_failure_and_garbage() -> None:
    failed = RenderStatus.from_body({"status": "failed", "error": "invalid draft"}, "r")
    assert (failed.status, failed.error) == ("failed", "invalid draft")
    assert RenderStatus.from_body({"success": False, "error": "nope"}, "r").status == "failed"
    with pytest.raises(NemoProtocolError):
        RenderStatus.from_body({"data": {"progress": 3}}, "r")
    with pytest.raises(NemoProtocolError):
        RenderStatus.from_body(["completed"], "r")


# --- instructions and helpers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,language",
    [
        ("Make a video", "en"),
        ("做一个产品视频", "zh-CN"),
        ("商品の動画を作って", "ja"),
        ("제품 동영상", "ko"),
        ("Vidéo produit", "en"),
    ],
)
def test_language_detection(text: str, language: str) -> None:
    assert detect_language(text) == language


def test_instruction_describes_the_spec(spec: VideoSpec) -> None:
    data = spec.to_dict()
    data["canvas"] = {"width": 1080, "height": 1920, "fps": 30}
    data["tracks"].append(
        {"kind": "audio", "segments": [{"type": "audio", "source": "bed.mp3", "duration": 2}]}
    )
    data["tracks"][1]["segments"].append(
        {"type": "text", "text": "$19", "role": "price", "start": 1.5, "duration": 0.5}
    )
    spec = VideoSpec.from_dict(data)
    text = build_instruction(spec, collect_media(spec))
    assert text.startswith(
        "Create a 2-second product showcase video in 9:16 format (1080x1920) from the 2 uploaded files (2 photos)"
    )
    assert 'Title text: "Red cap" (0-1.5s).' in text and 'Price: "$19" (1.5-2s).' in text
    assert text.endswith("Add upbeat background music.")


def test_merchant_instruction_is_sent_as_written(spec: VideoSpec) -> None:
    data = spec.to_dict()
    data["metadata"]["instruction"] = "  做一个30秒的产品展示视频  "
    spec = VideoSpec.from_dict(data)
    assert build_instruction(spec, collect_media(spec)) == "做一个30秒的产品展示视频"


def test_draft_ready_and_poster_time(spec: VideoSpec) -> None:
    assert not draft_ready({}) and not draft_ready({"t": [{"tt": 0, "sg": []}]}) and not draft_ready(None)
    assert draft_ready({"t": [{"tt": 1, "sg": []}, {"tt": 0, "sg": [{}]}]})
    assert poster_time(spec, 2.0) == 0.75  # mid-title
    assert poster_time(spec, 0.5) == 0.45  # never past the end of what came back
