"""The encoded-soundtrack cache: a mix heard before is muxed from the AAC packets of its first render, the
same packets; anything that changes the mix or the encoder encodes afresh; clip sound is never kept."""

from __future__ import annotations

import os
from collections import OrderedDict
from pathlib import Path

import av
import numpy as np
import pytest

from tests.render.helpers import solid_photo, spec_of, still, write_clip, write_wav
from videos.backends import get_backend
from videos.backends.base import RenderError
from videos.render import soundtrack

SIZE = (64, 64)


@pytest.fixture(autouse=True)
def _fresh_cache(tmp_path, settings, monkeypatch):
    """Each test starts with an empty soundtrack cache: nothing in this process, a VAR_DIR of its own."""
    settings.VAR_DIR = tmp_path / "var"
    monkeypatch.setattr(soundtrack, "_memory", OrderedDict())


def _folder(settings) -> Path:
    return Path(settings.VAR_DIR) / "soundtracks"


def _cached_files(settings) -> list[Path]:
    return sorted(_folder(settings).glob("*.npz")) if _folder(settings).is_dir() else []


def _spec(tmp_path, *, volume=0.5, duration=1.0, audio=True):
    music, photo = tmp_path / "m.wav", tmp_path / "p.png"
    if not music.exists():  # written once: a file written again is another file to the cache
        write_wav(music, seconds=0.6)
        solid_photo(photo, (90, 90, 90))
    beds = [{"source": str(music), "start": 0, "duration": duration, "volume": volume}] if audio else None
    return spec_of([still(photo, duration=duration)], size=SIZE, audio=beds)


def _render(spec, out: Path, **kw) -> tuple[str, list[tuple[bytes, int]]]:
    """How the render got its soundtrack, and the MP4's audio packets (payload, pts)."""
    result = get_backend("local").render(spec, out, **kw)
    with av.open(str(result.path)) as container:
        packets = [(bytes(p), p.pts) for p in container.demux(audio=0) if p.size]
    return result.details["soundtrack"], packets


@pytest.mark.parametrize("forget_in_between", [False, True], ids=["from-memory", "from-disk"])
def test_a_music_bed_is_encoded_once_and_its_packets_muxed_again(tmp_path, settings, monkeypatch, forget_in_between):
    # Given a spec with a music bed, rendered once
    spec = _spec(tmp_path)
    first, first_packets = _render(spec, tmp_path / "a.mp4")
    if forget_in_between:  # another worker process: only the disk has it
        monkeypatch.setattr(soundtrack, "_memory", OrderedDict())
    # When it is rendered again
    second, second_packets = _render(spec, tmp_path / "b.mp4")
    # Then the second render reuses the first one's AAC packets, unchanged
    assert (first, second) == ("encoded", "cached")
    assert len(first_packets) > 40
    assert second_packets == first_packets
    assert len(_cached_files(settings)) == 1


@pytest.mark.parametrize("change", ["volume", "duration", "aac_coder"])
def test_another_mix_or_encoder_is_another_soundtrack(tmp_path, settings, change):
    # Given a music bed's soundtrack in the cache (the same spec again finds it)
    assert _render(_spec(tmp_path), tmp_path / "a.mp4")[0] == "encoded"
    assert _render(_spec(tmp_path), tmp_path / "a2.mp4")[0] == "cached"
    # When a render changes its volume, its length or the AAC coder
    if change == "aac_coder":
        settings.VIDEO_AAC_CODER = "twoloop"
    spec = _spec(tmp_path, volume=0.3 if change == "volume" else 0.5, duration=1.2 if change == "duration" else 1.0)
    how, packets = _render(spec, tmp_path / "b.mp4")
    # Then its soundtrack is encoded afresh, and kept beside the first
    assert how == "encoded" and packets
    assert len(_cached_files(settings)) == 2


def test_silence_is_cached_too(tmp_path, settings):
    # Given a spec without any sound, rendered twice
    spec = _spec(tmp_path, audio=False)
    first = _render(spec, tmp_path / "a.mp4")
    second = _render(spec, tmp_path / "b.mp4")
    # Then the silent track is encoded once
    assert (first[0], second[0]) == ("encoded", "cached")
    assert second[1] == first[1]


def test_clip_sound_is_never_cached(tmp_path, settings):
    # Given a clip whose sound is kept, rendered twice
    clip = write_clip(tmp_path / "c.mp4", seconds=1.0, size=(96, 64))
    spec = spec_of([{"type": "clip", "source": str(clip), "start": 0, "duration": 1.0, "keep_audio": True,
                     "volume": 1.0, "fit": "cover"}], size=SIZE)
    first = _render(spec, tmp_path / "a.mp4")
    second = _render(spec, tmp_path / "b.mp4")
    # Then both renders encode it and nothing is kept
    assert (first[0], second[0]) == ("encoded", "encoded")
    assert _cached_files(settings) == [] and len(soundtrack._memory) == 0


def test_a_corrupt_cache_file_is_ignored_and_rewritten(tmp_path, settings, monkeypatch):
    # Given a cached soundtrack whose file got damaged, and a process that has not seen it
    spec = _spec(tmp_path)
    _, packets = _render(spec, tmp_path / "a.mp4")
    [path] = _cached_files(settings)
    path.write_bytes(path.read_bytes()[:100])
    monkeypatch.setattr(soundtrack, "_memory", OrderedDict())
    # When the spec is rendered again
    how, again = _render(spec, tmp_path / "b.mp4")
    # Then the render encodes (the same packets) and rewrites the file, which the next process reads
    assert how == "encoded" and again == packets
    monkeypatch.setattr(soundtrack, "_memory", OrderedDict())
    assert _render(spec, tmp_path / "c.mp4") == ("cached", packets)


def test_a_failed_render_keeps_nothing(tmp_path, settings):
    # Given a render that fails half way
    spec = _spec(tmp_path)

    def progress(fraction: float, stage: str) -> None:
        if stage == "rendering" and fraction > 0.5:
            raise RuntimeError("stop here")

    with pytest.raises(RenderError, match="stop here"):
        get_backend("local").render(spec, tmp_path / "a.mp4", progress=progress)
    # Then no soundtrack was kept, and the next render encodes its own
    assert _cached_files(settings) == [] and len(soundtrack._memory) == 0
    assert _render(spec, tmp_path / "b.mp4")[0] == "encoded"


def _tiny(seed: int) -> soundtrack.Soundtrack:
    return soundtrack.Soundtrack.of([(bytes([seed]) * 10, -1024, -1024, 1024, True), (b"x", 0, 0, 1024, True)])


def test_the_disk_keeps_the_most_recent_soundtracks(settings, monkeypatch):
    # Given room for two files on disk, and two stored ones, the first older
    monkeypatch.setattr(soundtrack, "DISK_FILES", 2)
    soundtrack.store("a" * 64, _tiny(1))
    os.utime(_folder(settings) / f"{'a' * 64}.npz", (1_000, 1_000))
    soundtrack.store("b" * 64, _tiny(2))
    os.utime(_folder(settings) / f"{'b' * 64}.npz", (2_000, 2_000))
    # When a third is stored
    soundtrack.store("c" * 64, _tiny(3))
    # Then the oldest file is gone, and the others read back as stored
    assert [p.stem[0] for p in _cached_files(settings)] == ["b", "c"]
    monkeypatch.setattr(soundtrack, "_memory", OrderedDict())
    read = soundtrack.lookup("c" * 64)
    assert read is not None and list(read.packets()) == list(_tiny(3).packets())
    assert np.array_equal(read.keyframes, [True, True])


def test_memory_is_bounded_by_bytes(monkeypatch):
    # Given room in memory for a little over one soundtrack
    monkeypatch.setattr(soundtrack, "MEMORY_BYTES", _tiny(1).nbytes + 10)
    # When two are remembered, then only the most recent stays
    soundtrack._remember("a", _tiny(1))
    soundtrack._remember("b", _tiny(2))
    assert list(soundtrack._memory) == ["b"]
