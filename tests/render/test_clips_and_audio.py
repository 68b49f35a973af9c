"""Clips (decoded, trimmed, resampled to the output rate by timestamp, their sound kept or muted) and the
soundtrack (music beds and files: resampled, volume, fades, trim, loop; silence when there is nothing)."""

from __future__ import annotations

import sys
from fractions import Fraction

import av
import numpy as np
import pytest

from tests.render.helpers import (
    composed_luma,
    decoded_audio,
    probe,
    solid_photo,
    spec_of,
    still,
    write_clip,
    write_wav,
)
from videos.backends import get_backend
from videos.backends.base import RenderError
from videos.media.audio import SAMPLE_RATE, decode_audio
from videos.media.clips import ClipReader
from videos.media.probe import sniff

SIZE = (192, 108)


def _clip_spec(clip, *, trim=0.0, duration=1.0, keep_audio=False, volume=1.0, audio=None):
    segment = {"type": "clip", "source": str(clip), "start": 0, "duration": duration, "trim_start": trim,
               "keep_audio": keep_audio, "volume": volume, "fit": "cover"}
    return spec_of([segment], size=SIZE, audio=audio)


def _rms(samples: np.ndarray) -> float:
    return float(np.sqrt(np.mean(samples**2))) if samples.size else 0.0


def test_clip_is_trimmed_and_resampled_to_the_output_rate_by_timestamp(tmp_path):
    clip = write_clip(tmp_path / "c.mp4", seconds=2.0, fps=25, size=SIZE, audio=False)
    lumas = composed_luma(_clip_spec(clip, trim=0.4, duration=1.0))
    shown = [round(((float(np.median(y)) - 16) * 255 / 219 - 20) / 4) for y in lumas]
    expected = [int((0.4 + i / 30) * 25 + 1e-6) for i in range(30)]
    assert shown == expected


@pytest.mark.parametrize(("name", "codec", "fmt", "kind"), [
    ("c.mov", "libx264", "mov", "QuickTime video"), ("c.mkv", "libx264", "matroska", "Matroska video"),
    ("c.webm", "libvpx-vp9", "webm", "WebM video"), ("c.avi", "mpeg4", "avi", "AVI video"),
])
def test_other_containers_decode(tmp_path, name, codec, fmt, kind):
    clip = write_clip(tmp_path / name, seconds=0.4, fps=10, size=(96, 64), codec=codec, fmt=fmt, audio=False)
    assert sniff(clip).name == kind
    with ClipReader(clip, 0.1) as reader:
        frame = reader.frame_at(0.0)
        assert frame.shape == (64, 96, 3)
        assert abs(int(np.median(frame)) - (20 + 4 * 1)) <= 3


def test_clip_sound_is_kept_at_its_volume_or_muted(tmp_path):
    clip = write_clip(tmp_path / "c.mp4", seconds=1.2, size=SIZE)
    backend = get_backend("local")
    loud = backend.render(_clip_spec(clip, keep_audio=True, volume=1.0), tmp_path / "loud.mp4").path
    quiet = backend.render(_clip_spec(clip, keep_audio=True, volume=0.5), tmp_path / "quiet.mp4").path
    muted = backend.render(_clip_spec(clip, keep_audio=False), tmp_path / "muted.mp4").path
    middle = slice(int(0.2 * SAMPLE_RATE), int(0.8 * SAMPLE_RATE))
    loud_rms, quiet_rms = _rms(decoded_audio(loud)[:, middle]), _rms(decoded_audio(quiet)[:, middle])
    assert loud_rms == pytest.approx(0.5 / np.sqrt(2), rel=0.1)
    assert quiet_rms == pytest.approx(loud_rms / 2, rel=0.1)
    assert probe(muted)["audio"]["channels"] == 2  # the AAC track is always there...
    assert _rms(decoded_audio(muted)) < 1e-3  # ...silent


def test_music_loops_with_volume_and_fades(tmp_path):
    music = write_wav(tmp_path / "m.wav", seconds=0.5, amp=0.5)
    photo = solid_photo(tmp_path / "p.png", (90, 90, 90))
    spec = spec_of([still(photo, duration=2.0)], size=(128, 128),
                   audio=[{"source": str(music), "start": 0, "duration": 2.0, "volume": 0.4, "fade_in": 0.5,
                           "fade_out": 0.5}])
    out = get_backend("local").render(spec, tmp_path / "o.mp4").path
    samples = decoded_audio(out)
    assert samples.shape[1] == pytest.approx(2 * SAMPLE_RATE, abs=2048)
    start, middle, end = (_rms(samples[:, int(a * SAMPLE_RATE):int(b * SAMPLE_RATE)])
                          for a, b in ((0.0, 0.1), (0.9, 1.1), (1.92, 2.0)))
    assert middle == pytest.approx(0.4 * 0.5 / np.sqrt(2), rel=0.1)  # looped past the file's 0.5 s
    assert start < middle / 3 and end < middle / 3


def test_music_that_does_not_loop_stops(tmp_path):
    music = write_wav(tmp_path / "m.wav", seconds=0.5)
    photo = solid_photo(tmp_path / "p.png", (90, 90, 90))
    spec = spec_of([still(photo, duration=1.5)], size=(128, 128),
                   audio=[{"source": str(music), "start": 0, "duration": 1.5, "loop": False, "fade_in": 0, "fade_out": 0}])
    samples = decoded_audio(get_backend("local").render(spec, tmp_path / "o.mp4").path)
    assert _rms(samples[:, int(0.1 * SAMPLE_RATE):int(0.4 * SAMPLE_RATE)]) > 0.05
    assert _rms(samples[:, int(0.7 * SAMPLE_RATE):int(1.4 * SAMPLE_RATE)]) < 1e-3


def _encode_audio(path, codec: str, fmt: str, rate: int = 44_100, layout: str = "mono", seconds: float = 1.0):
    container = av.open(str(path), mode="w", format=fmt)
    stream = container.add_stream(codec, rate=rate, layout=layout)
    channels = 1 if layout == "mono" else 2
    sample_format = stream.codec_context.codec.audio_formats[0].name
    step = stream.codec_context.frame_size or 1024
    total = int(seconds * rate)
    for start in range(0, total, step):
        t = np.arange(start, min(start + step, total)) / rate
        tone = (0.5 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
        planar = np.repeat(tone[None], channels, axis=0)
        array = planar if sample_format.endswith("p") else planar.T.reshape(1, -1)
        if sample_format.startswith("s16"):
            array = (array * 32767).astype(np.int16)
        elif sample_format.startswith("s32"):
            array = (array * 2**31 * 0.999).astype(np.int32)
        frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(array), format=sample_format, layout=layout)
        frame.sample_rate = rate
        frame.pts = start
        frame.time_base = Fraction(1, rate)
        container.mux(stream.encode(frame))
    container.mux(stream.encode(None))
    container.close()
    return path


@pytest.mark.parametrize(("name", "codec", "fmt"), [("m.mp3", "libmp3lame", "mp3"), ("m.m4a", "aac", "ipod"),
                                                    ("m.aac", "aac", "adts"), ("m.wav", "pcm_s16le", "wav")])
def test_music_formats_decode_to_48k_stereo(tmp_path, name, codec, fmt):
    path = _encode_audio(tmp_path / name, codec, fmt)
    assert sniff(path).kind == "audio"
    samples = decode_audio(path)
    assert samples.dtype == np.float32 and samples.shape[0] == 2
    assert samples.shape[1] == pytest.approx(SAMPLE_RATE, abs=3000)
    assert _rms(samples[:, 5000:40000]) == pytest.approx(0.5 / np.sqrt(2), rel=0.1)


def test_trim_start_skips_into_the_music(tmp_path):
    rate = 48_000
    tone = np.concatenate([np.zeros(rate // 2), 0.5 * np.sin(2 * np.pi * 440 * np.arange(rate // 2) / rate)])
    import wave

    path = tmp_path / "late.wav"
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(rate)
        handle.writeframes((tone * 32767).astype("<i2").tobytes())
    assert _rms(decode_audio(path, duration=0.3)) < 1e-3
    assert _rms(decode_audio(path, start=0.5, duration=0.3)) > 0.3


def test_library_beds_are_resolved_through_the_music_library(tmp_path):
    from videos.music.library import list_beds

    photo = solid_photo(tmp_path / "p.png", (90, 90, 90))
    bed = list_beds()[0].name
    spec = spec_of([still(photo, duration=1.0)], size=(128, 128),
                   audio=[{"source": f"music:{bed}", "start": 0, "duration": 1.0, "fade_in": 0}])
    samples = decoded_audio(get_backend("local").render(spec, tmp_path / "o.mp4").path)
    assert _rms(samples[:, 4800:40000]) > 0.01


def test_a_missing_music_library_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "videos.music.library", None)  # import fails
    photo = solid_photo(tmp_path / "p.png", (90, 90, 90))
    spec = spec_of([still(photo)], size=(128, 128), audio=[{"source": "music:sunrise", "start": 0, "duration": 1.0}])
    with pytest.raises(RenderError, match="music library"):
        get_backend("local").render(spec, tmp_path / "o.mp4")
    assert list(tmp_path.iterdir()) == [photo]


@pytest.mark.parametrize("coder", ["fast", "twoloop"])
def test_each_aac_coder_keeps_the_music_level(tmp_path, settings, coder):
    # Given a 440 Hz tone at 0.4 volume and the AAC coder set by VIDEO_AAC_CODER
    settings.VIDEO_AAC_CODER = coder
    music = write_wav(tmp_path / "m.wav", seconds=1.0, amp=0.5)
    photo = solid_photo(tmp_path / "p.png", (90, 90, 90))
    spec = spec_of([still(photo, duration=1.0)], size=(128, 128),
                   audio=[{"source": str(music), "start": 0, "duration": 1.0, "volume": 0.4, "fade_in": 0, "fade_out": 0}])
    # When rendered
    samples = decoded_audio(get_backend("local").render(spec, tmp_path / "o.mp4").path)
    # Then the tone comes through at its level
    assert _rms(samples[:, int(0.2 * SAMPLE_RATE):int(0.8 * SAMPLE_RATE)]) == pytest.approx(0.4 * 0.5 / np.sqrt(2), rel=0.05)


def test_an_unknown_aac_coder_is_refused_before_anything_is_written(tmp_path, settings):
    settings.VIDEO_AAC_CODER = "best"
    photo = solid_photo(tmp_path / "p.png", (90, 90, 90))
    with pytest.raises(RenderError, match="unknown AAC coder 'best'"):
        get_backend("local").render(spec_of([still(photo, duration=0.5)], size=(64, 64)), tmp_path / "o.mp4")
    assert list(tmp_path.iterdir()) == [photo]
