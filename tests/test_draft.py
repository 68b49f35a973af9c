"""The compact draft format: spec -> draft -> spec round trips, tolerant import, and clear errors."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from videos.backends.nemo.draft import describe_spec, draft_to_spec, spec_to_draft
from videos.spec import Canvas, SpecError, VideoSpec


def full_spec() -> VideoSpec:
    return VideoSpec.from_dict(
        {
            "canvas": {"width": 1080, "height": 1920, "fps": 25, "background": "#101010"},
            "duration": 7.5,
            "metadata": {"title": "Red cap", "template": "classic", "instruction": "make it pop"},
            "poster_time": 1.25,
            "tracks": [
                {
                    "kind": "video",
                    "segments": [
                        {"type": "image", "source": "photos/a.png", "start": 0, "duration": 3, "alt": "front"},
                        {
                            "type": "clip",
                            "source": "clips/b.mp4",
                            "start": 2.5,
                            "duration": 3,
                            "trim_start": 1.2,
                            "keep_audio": True,
                            "volume": 0.8,
                            "transition": {"kind": "crossfade", "duration": 0.5},
                        },
                        {
                            "type": "image",
                            "source": "photos/c.jpg",
                            "start": 5.5,
                            "duration": 2,
                            "fit": "contain_color",
                            "fill": "#FFEEDD",
                            "motion": {"kind": "pan_left", "strength": 0.2, "focus": [0.2, 0.3]},
                        },
                    ],
                },
                {
                    "kind": "overlay",
                    "segments": [{"type": "overlay", "source": "logo.png", "start": 6, "duration": 1.5, "x": 0.4}],
                },
                {
                    "kind": "text",
                    "segments": [
                        {"type": "text", "text": "Red cap", "role": "title", "start": 0, "duration": 3},
                        {
                            "type": "text",
                            "text": "$19.99",
                            "role": "price",
                            "start": 3,
                            "duration": 2.25,
                            "style": {"size": 48, "color": "#FFCC00", "animation": "pop", "animation_duration": 0.25},
                        },
                    ],
                },
                {
                    "kind": "audio",
                    "segments": [
                        {"type": "audio", "source": "music/bed.mp3", "start": 0, "duration": 7.5, "tempo": 120}
                    ],
                },
            ],
        }
    )


def image_draft(**segment: Any) -> dict[str, Any]:
    """A one-photo foreign-style draft; keyword arguments replace the segment's keys."""
    base = {"st": 0, "d": 2000, "m": {"type": "image", "src": "a.png"}}
    base.update(segment)
    return {"t": [{"tt": 0, "sg": [base]}]}


# --- export ------------------------------------------------------------------------------------------


def test_export_uses_the_vendor_compact_keys_and_milliseconds() -> None:
    # Given a spec with every track kind / When it is exported
    draft = spec_to_draft(full_spec())

    # Then the draft uses t/tt/sg/d/m, times in ms, and the overlay track is a video-type track with a role
    assert draft["d"] == 7500
    assert draft["m"] | {"meta": None} == {
        "title": "Red cap",
        "width": 1080,
        "height": 1920,
        "fps": 25,
        "background": "#101010",
        "poster": 1250,
        "meta": None,
    }
    assert [(track["tt"], track["m"]["role"]) for track in draft["t"]] == [
        (0, "video"),
        (0, "overlay"),
        (7, "text"),
        (1, "audio"),
    ]
    clip = draft["t"][0]["sg"][1]
    assert (clip["st"], clip["d"], clip["m"]["src"], clip["m"]["trim"]) == (2500, 3000, "clips/b.mp4", 1200)
    assert clip["m"]["transition"] == {"kind": "crossfade", "d": 500}
    assert draft["t"][2]["sg"][1]["m"]["style"]["animation_d"] == 250
    assert json.loads(json.dumps(draft)) == draft


def test_export_names_the_first_title_when_the_spec_metadata_has_none() -> None:
    # Given a spec without a metadata title
    data = full_spec().to_dict()
    data["metadata"] = {}
    # When exported / Then the draft title is the title text
    assert spec_to_draft(VideoSpec.from_dict(data))["m"]["title"] == "Red cap"


# --- round trip ----------------------------------------------------------------------------------------


def test_full_spec_round_trips_through_json_draft() -> None:
    # Given a spec using every segment kind and option / When it goes to a JSON draft and back
    spec = full_spec()
    back = draft_to_spec(json.loads(json.dumps(spec_to_draft(spec))))
    # Then nothing is lost
    assert back == spec


ms = st.integers(min_value=1, max_value=4000)


@st.composite
def specs(draw: st.DrawFn) -> VideoSpec:
    aspect = draw(st.sampled_from(["1:1", "9:16", "16:9", "4:5"]))
    fps = draw(st.sampled_from([24, 25, 30, 60]))
    segments: list[dict[str, Any]] = []
    cursor = 0
    for index in range(draw(st.integers(min_value=1, max_value=4))):
        length = draw(st.integers(min_value=300, max_value=4000))
        fade = draw(st.sampled_from([0, 0, 250, 500])) if index else 0
        fade = min(fade, length - 1, segments[-1]["duration_ms"] - 1 if segments else 0)
        start = cursor - fade
        kind = draw(st.sampled_from(["image", "clip"]))
        segment: dict[str, Any] = {
            "type": kind,
            "source": f"media/{index}.{'png' if kind == 'image' else 'mp4'}",
            "start": start / 1000,
            "duration": length / 1000,
            "duration_ms": length,
            "transition": {"kind": "crossfade", "duration": fade / 1000} if fade > 0 else {"kind": "cut"},
        }
        if kind == "image":
            segment["motion"] = {
                "kind": draw(st.sampled_from(["none", "zoom_in", "zoom_out", "pan_up"])),
                "strength": draw(st.sampled_from([0.0, 0.05, 0.1, 0.125])),
            }
        else:
            segment["trim_start"] = draw(ms) / 1000
            segment["volume"] = draw(st.sampled_from([0.0, 0.35, 1.0, 1.5]))
        segments.append(segment)
        cursor = start + length
    for segment in segments:
        del segment["duration_ms"]
    duration = cursor / 1000
    tracks: list[dict[str, Any]] = [{"kind": "video", "segments": segments}]
    if draw(st.booleans()):
        text = draw(st.text(alphabet="abcXYZ 价格€$1", min_size=1, max_size=12).filter(str.strip))
        size = draw(st.integers(min_value=8, max_value=400))
        tracks.append(
            {
                "kind": "text",
                "segments": [
                    {"type": "text", "text": text, "start": 0, "duration": duration, "style": {"size": size}}
                ],
            }
        )
    if draw(st.booleans()):
        volume = draw(st.sampled_from([0.1, 0.35, 0.8, 2.0]))
        tracks.append(
            {
                "kind": "audio",
                "segments": [{"type": "audio", "source": "bed.mp3", "duration": duration, "volume": volume}],
            }
        )
    return VideoSpec.from_dict(
        {
            "canvas": Canvas.for_aspect(aspect, fps=fps).model_dump(),
            "duration": duration,
            "tracks": tracks,
            "metadata": draw(st.dictionaries(st.sampled_from(["title", "music", "n"]), st.integers(0, 9))),
        }
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=specs())
def test_generated_specs_round_trip(spec: VideoSpec) -> None:
    # Given any spec of these shapes / When it goes to a draft and back / Then it is equal
    assert draft_to_spec(json.loads(json.dumps(spec_to_draft(spec)))) == spec


# --- tolerant import ------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["st", "s", "start", "b"])
def test_segment_start_may_be_spelled_several_ways(key: str) -> None:
    # Given a draft whose segment start uses `key` / When imported
    draft = {"d": 3000, "t": [{"tt": 0, "sg": [{key: 1000, "d": 2000, "m": {"src": "a.png"}}]}]}
    segment = draft_to_spec(draft).tracks[0].segments[0]
    # Then the start is read in milliseconds
    assert (segment.start, segment.duration) == (1.0, 2.0)


@pytest.mark.parametrize(
    "segment",
    [
        {"src": "a.png"},
        {"url": "a.png"},
        {"cdn_url": "a.png"},
        {"path": "a.png"},
        {"m": {"url": "a.png"}},
        {"m": {"source": "a.png"}},
    ],
)
def test_source_may_be_spelled_several_ways(segment: dict[str, Any]) -> None:
    # Given a segment naming its file in one of the accepted places / When imported
    draft = {"t": [{"tt": 0, "sg": [{"st": 0, "d": 1000, **segment}]}]}
    # Then that file is the source
    assert draft_to_spec(draft).tracks[0].segments[0].source == "a.png"


@pytest.mark.parametrize(
    "segment",
    [
        {"m": {"text": "Hello"}},
        {"text": "Hello"},
        {"content": "Hello"},
        {"m": {"title": "Hello"}},
    ],
)
def test_text_may_be_spelled_several_ways(segment: dict[str, Any]) -> None:
    # Given a text segment with its words in one of the accepted places / When imported
    draft = image_draft()
    draft["t"].append({"tt": 7, "sg": [{"st": 0, "d": 1000, **segment}]})
    # Then the text segment carries them
    assert draft_to_spec(draft).segments_of("text")[0].text == "Hello"


@pytest.mark.parametrize("volume,expected", [(0.35, 0.35), (35, 0.35), ("35%", 0.35), (150, 1.5), (1.5, 1.5)])
def test_volume_may_be_a_gain_or_a_percentage(volume: Any, expected: float) -> None:
    # Given a BGM track with a volume in either unit / When imported
    draft = image_draft()
    draft["t"].append({"tt": 1, "sg": [{"st": 0, "d": 2000, "m": {"src": "bed.mp3", "volume": volume}}]})
    # Then it is a gain
    assert draft_to_spec(draft).segments_of("audio")[0].volume == expected


def test_missing_draft_duration_is_the_latest_segment_end() -> None:
    # Given a draft without `d` whose text ends last / When imported
    draft = image_draft(d=2000)
    draft["t"].append({"tt": 7, "sg": [{"st": 1500, "d": 1000, "m": {"text": "Hi"}}]})
    # Then the video lasts until that end
    assert draft_to_spec(draft).duration == 2.5


@pytest.mark.parametrize(
    "source,kind",
    [("a.JPG", "image"), ("a.webp", "image"), ("https://cdn.x/v.mov?sig=1", "clip"), ("b.mp4", "clip")],
)
def test_image_or_clip_is_guessed_from_the_extension(source: str, kind: str) -> None:
    # Given a video segment with no type / When imported / Then the extension decides
    draft = {"t": [{"tt": 0, "sg": [{"st": 0, "d": 1000, "url": source}]}]}
    assert draft_to_spec(draft).tracks[0].segments[0].type == kind


def test_sandbox_paths_are_mapped_through_resolve_source() -> None:
    # Given a cloud draft pointing into its sandbox, and our uploads by file name
    draft = image_draft(m={"src": "/mnt/userdata/5529798706024415232/cap.png"})
    uploads = {"cap.png": "/srv/media/cap.png"}

    def resolve(source: str) -> str | None:
        return uploads.get(source.rsplit("/", 1)[-1])

    # When imported / Then the local file is the source
    assert draft_to_spec(draft, resolve_source=resolve).tracks[0].segments[0].source == "/srv/media/cap.png"


def test_video_segments_are_sorted_and_bare_transitions_take_the_overlap() -> None:
    # Given a cloud draft listing its shots out of order, with a "fade" and no duration
    draft = {
        "d": 5000,
        "t": [
            {
                "tt": 0,
                "sg": [
                    {"s": 2500, "d": 2500, "m": {"url": "b.png", "transition": "fade"}},
                    {"s": 0, "d": 3000, "m": {"url": "a.png"}},
                ],
            }
        ],
    }
    # When imported
    first, second = draft_to_spec(draft).tracks[0].segments
    # Then they are in time order and the fade is a crossfade as long as the overlap
    assert (first.source, second.source) == ("a.png", "b.png")
    assert (second.transition.kind, second.transition.duration) == ("crossfade", 0.5)


def test_a_transition_without_overlap_becomes_a_cut() -> None:
    draft = {"t": [{"tt": 0, "sg": [{"s": 0, "d": 1000, "src": "a.png"}, {"s": 1000, "d": 1000, "src": "b.png"}]}]}
    draft["t"][0]["sg"][1]["m"] = {"transition": {"kind": "dissolve"}}
    assert draft_to_spec(draft).tracks[0].segments[1].transition.kind == "cut"


def test_cloud_text_style_words_are_understood_and_unknown_keys_dropped() -> None:
    # Given a cloud title styled "white, top-center" with a key we do not draw
    draft = image_draft()
    style = {"color": "white", "position": "top-center", "size": 32, "glow": "neon"}
    draft["t"].append({"tt": 7, "sg": [{"st": 0, "d": 1000, "m": {"title": "Sale", "style": style}}]})
    # When imported
    text = draft_to_spec(draft).segments_of("text")[0]
    # Then colour and position are ours, and the title role is kept
    assert (text.role, text.style.color, text.style.y, text.style.x, text.style.size) == (
        "title",
        "#FFFFFF",
        0.15,
        0.5,
        32,
    )


def test_unknown_track_types_are_skipped_and_noted() -> None:
    # Given a draft with an effects track we cannot draw
    draft = image_draft()
    draft["t"].append({"tt": 4, "sg": [{"st": 0, "d": 1000}]})
    # When imported / Then the rest imports and the skipped track is named
    assert draft_to_spec(draft).metadata["draft_skipped"] == ["t[1] (tt=4)"]


def test_canvas_override_scales_text_to_the_new_height() -> None:
    # Given a 1080x1080 draft with 72 px text
    draft = image_draft()
    draft["m"] = {"width": 1080, "height": 1080}
    draft["t"].append({"tt": 7, "sg": [{"st": 0, "d": 1000, "m": {"text": "Hi", "style": {"size": 72}}}]})
    # When imported onto a 256x256 canvas
    spec = draft_to_spec(draft, canvas=Canvas(width=256, height=256, fps=12))
    # Then the canvas is the given one and the text keeps its proportion
    assert (spec.canvas.width, spec.canvas.fps) == (256, 12)
    assert spec.segments_of("text")[0].style.size == 17


def test_draft_canvas_and_title_are_read_from_the_root_metadata() -> None:
    draft = image_draft()
    draft["m"] = {"title": "Urban Dreams", "width": 1920, "height": 1080, "fps": 29.97}
    spec = draft_to_spec(draft)
    assert (spec.canvas.width, spec.canvas.height, spec.canvas.fps) == (1920, 1080, 30)
    assert spec.metadata == {"title": "Urban Dreams"}


def test_describe_spec_uses_the_vendor_summary_format() -> None:
    assert describe_spec(full_spec()) == (
        "Timeline (4 tracks): 1. Video: 2 photos, 1 clip (0-7.5s) 2. Overlay: logo.png (6-7.5s) "
        '3. Title: "Red cap", "$19.99" (0-5.25s) 4. BGM: bed.mp3 (0-7.5s, 35%)'
    )


# --- errors -----------------------------------------------------------------------------------------


def test_the_error_fixture_draft_is_valid() -> None:
    # The error cases below each break one thing in this draft, so it must be fine as it is.
    assert draft_to_spec(_with(["d"], 2000)).duration == 2.0


def _with(path: list[Any], value: Any) -> dict[str, Any]:
    """A valid one-photo-plus-text draft with the value at `path` replaced (None deletes it)."""
    draft: dict[str, Any] = {
        "d": 2000,
        "m": {"width": 320, "height": 320},
        "t": [
            {"tt": 0, "sg": [{"st": 0, "d": 1000, "m": {"src": "a.png"}}, {"st": 1000, "d": 1000, "src": "b.jpg"}]},
            {"tt": 7, "sg": [{"st": 0, "d": 1000, "m": {"text": "Hi"}}]},
        ],
    }
    target: Any = draft
    for key in path[:-1]:
        target = target[key]
    if value is None:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return draft


ERROR_CASES = [
    (["t"], "tracks", "t", "must be a list of tracks"),
    (["t", 0, "tt"], "video", "t[0].tt", "must be a track type number"),
    (["t", 0, "sg"], {"a": 1}, "t[0].sg", "must be a list of segments"),
    (["t", 0, "sg", 1, "d"], -5, "t[0].sg[1].d", "must be a positive number of milliseconds"),
    (["t", 0, "sg", 1, "d"], 0, "t[0].sg[1].d", "must be a positive number of milliseconds"),
    (["t", 0, "sg", 1, "d"], None, "t[0].sg[1].d", "must be a positive number of milliseconds"),
    (["t", 0, "sg", 1, "d"], "long", "t[0].sg[1].d", "must be a positive number of milliseconds"),
    (["t", 0, "sg", 1, "st"], -1, "t[0].sg[1].st", "must be a number of milliseconds >= 0"),
    (["t", 0, "sg", 1, "src"], None, "t[0].sg[1].m.src", "missing"),
    (["t", 0, "sg", 1, "src"], "notes.txt", "t[0].sg[1].m.type", "does not look like an image or a video"),
    (["t", 0, "sg", 1, "src"], "/mnt/userdata/1/b.jpg", "t[0].sg[1].m.src", "inside the cloud sandbox"),
    (["t", 0, "sg", 0, "m", "type"], "sparkles", "t[0].sg[0].m.type", "cannot go on a video track"),
    (["t", 0, "sg", 0, "m", "motion"], {"kind": "spin"}, "t[0].sg[0].m.motion.kind", "input should be"),
    (["t", 0, "sg", 1, "st"], 500, "t[0].sg[1].st", "overlaps the previous segment"),
    (["t", 0, "sg", 1, "d"], 1500, "t[0].sg[1].d", "after the video's 2.000 s (2000 ms)"),
    (["t", 1, "sg", 0, "m"], {"text": " "}, "t[1].sg[0].m.text", "missing"),
    (["t", 1, "sg", 0, "m", "type"], "audio", "t[1].sg[0].m.type", "cannot go on a text track"),
    (["t", 1, "sg", 0, "m", "style"], {"color": "blurple"}, "t[1].sg[0].m.style.color", "must be a colour"),
    (["t", 1, "sg", 0, "m", "style"], {"size": 4000}, "t[1].sg[0].m.style.size", "less than or equal to 400"),
    (["m", "width"], 321, "m.width", "multiple of 2"),
    (["m", "height"], -1, "m.height", "positive number of pixels"),
    (["m", "poster"], 9000, "m.poster", "after the end of the video"),
    (["d"], "soon", "d", "must be a positive number of milliseconds"),
]


@pytest.mark.parametrize("path,value,field,message", ERROR_CASES, ids=[str(c[0]) for c in ERROR_CASES])
def test_bad_drafts_name_the_field(path: list[Any], value: Any, field: str, message: str) -> None:
    # Given a draft with one bad value / When imported
    draft = _with(path, value)
    with pytest.raises(SpecError) as error:
        draft_to_spec(draft)
    # Then the error names the draft field and says why
    assert error.value.field == field
    assert message in error.value.message


def test_audio_volume_above_200_percent_is_refused() -> None:
    draft = image_draft()
    draft["t"].append({"tt": 1, "sg": [{"st": 0, "d": 1000, "m": {"src": "bed.mp3", "volume": 250}}]})
    with pytest.raises(SpecError, match=r"^t\[1\]\.sg\[0\]\.m\.volume: must be a gain from 0 to 2"):
        draft_to_spec(draft)


def test_a_draft_must_be_an_object_and_have_something_to_show() -> None:
    with pytest.raises(SpecError, match="a draft must be a JSON object"):
        draft_to_spec([1, 2])
    with pytest.raises(SpecError, match=r"^t: has no segments"):
        draft_to_spec({"t": [{"tt": 0, "sg": []}]})
    with pytest.raises(SpecError, match=r"^t: needs a video track"):
        draft_to_spec({"d": 1000, "t": [{"tt": 7, "sg": [{"st": 0, "d": 1000, "text": "Only words"}]}]})


def test_resolve_source_failures_name_the_segment() -> None:
    def resolve(source: str) -> str | None:
        raise KeyError(f"no upload called {source}")

    with pytest.raises(SpecError, match=r"^t\[0\]\.sg\[0\]\.m\.src: cannot resolve 'a.png'"):
        draft_to_spec(image_draft(), resolve_source=resolve)


def test_import_does_not_change_the_draft() -> None:
    draft = _with(["t", 0, "sg", 0, "m", "transition"], "fade")
    before = copy.deepcopy(draft)
    draft_to_spec(draft)
    assert draft == before
