"""The music library: beds that are deterministic, at their stated tempo, loop seamlessly, cache safely,
and resolve by name, mood or file."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from tests.composer.helpers import EXAMPLE_PHOTOS
from videos.composer import ComposeOptions, Product, ProductImage, compose
from videos.music.beds import BEDS, render_bed
from videos.music.library import (
    SYNTH_VERSION,
    MusicError,
    bed_for_mood,
    bed_path,
    get_bed,
    list_beds,
    read_wav,
    resolve_music,
)
from videos.music.synth import SAMPLE_RATE

HOP = 480  # 10 ms onset frames


@pytest.fixture(scope="module")
def rendered() -> dict[str, np.ndarray]:
    return {bed.name: render_bed(bed) for bed in BEDS}


def onset_strength(samples: np.ndarray) -> np.ndarray:
    """Spectral flux of the mono mix in 10 ms frames: peaks where notes and drums start."""
    mono = samples.mean(axis=0)
    frames = mono[: len(mono) // HOP * HOP].reshape(-1, HOP) * np.hanning(HOP)
    spectrum = np.log1p(10 * np.abs(np.fft.rfft(frames, axis=1)))
    flux = np.maximum(0.0, np.diff(spectrum, axis=0)).sum(axis=1)
    return flux - flux.mean()


def estimated_tempo(samples: np.ndarray, near: float) -> float:
    """The onset autocorrelation's strongest period within ±15 % of `near` BPM, in BPM."""
    env = onset_strength(np.concatenate([samples, samples], axis=1))  # two loops: the pattern repeats
    ac = np.correlate(env, env, "full")[len(env) - 1 :]
    fps = SAMPLE_RATE / HOP
    lags = np.arange(int(fps * 60 / (near * 1.15)), int(fps * 60 / (near * 0.85)) + 2)
    best = lags[np.argmax(ac[lags])]
    # parabolic interpolation between frames for sub-frame accuracy
    a, b, c = ac[best - 1], ac[best], ac[best + 1]
    offset = 0.5 * (a - c) / (a - 2 * b + c) if (a - 2 * b + c) else 0.0
    return 60 * fps / (best + offset)


def test_library_has_at_least_four_beds_with_distinct_moods_and_known_tempos() -> None:
    beds = list_beds()
    assert len(beds) >= 4
    assert len({b.mood for b in beds}) == len(beds)
    for info in beds:
        assert 60 <= info.tempo <= 140
        assert info.duration == pytest.approx(info.bars * 4 * 60 / info.tempo, abs=1e-3)
        assert 8 <= info.bars <= 16


def test_beds_are_48k_stereo_loud_enough_and_never_clip(rendered: dict[str, np.ndarray]) -> None:
    for name, samples in rendered.items():
        bed = get_bed(name)
        assert samples.shape == (2, bed.frames) and samples.dtype == np.float32
        assert np.abs(samples).max() < 1.0
        rms = float(np.sqrt(np.mean(samples**2)))
        assert 0.05 < rms < 0.3, name
        assert not np.allclose(samples[0], samples[1]), "stereo, not dual mono"


def test_beds_sound_like_music_with_bass_and_highs_not_a_test_tone(rendered: dict[str, np.ndarray]) -> None:
    for name, samples in rendered.items():
        spectrum = np.abs(np.fft.rfft(samples.mean(axis=0)))
        freqs = np.fft.rfftfreq(samples.shape[1], 1 / SAMPLE_RATE)
        def energy(lo: float, hi: float, spectrum: np.ndarray = spectrum, freqs: np.ndarray = freqs) -> float:
            return float(np.sum(spectrum[(freqs >= lo) & (freqs < hi)] ** 2))

        total = energy(20, 20000)
        # bass, body and cymbals each carry a real share; no single frequency dominates
        assert energy(40, 200) / total > 0.05, name
        assert energy(200, 2000) / total > 0.05, name
        assert energy(5000, 16000) / total > 0.001, name
        assert spectrum.max() ** 2 / total < 0.1, name


def test_each_bed_is_at_its_stated_tempo(rendered: dict[str, np.ndarray]) -> None:
    for name, samples in rendered.items():
        tempo = get_bed(name).tempo
        assert estimated_tempo(samples, tempo) == pytest.approx(tempo, rel=0.01), name
        # a hint 10 % off still finds the stated tempo: the estimator is not echoing its hint
        assert estimated_tempo(samples, tempo * 1.1) == pytest.approx(tempo, rel=0.01), name


def test_synthesis_is_deterministic_and_fast() -> None:
    bed = get_bed("sunrise")
    started = time.perf_counter()
    first = render_bed(bed)
    elapsed = time.perf_counter() - started
    assert np.array_equal(first, render_bed(bed))
    assert elapsed < 2.5  # < 1 s on an idle core; headroom for a busy CI box


def test_the_loop_has_no_seam(rendered: dict[str, np.ndarray]) -> None:
    for name, samples in rendered.items():
        looped = np.concatenate([samples, samples], axis=1)
        jumps = np.abs(np.diff(looped, axis=1)).max(axis=0)
        seam = jumps[samples.shape[1] - 1]
        # the step across the loop point is no bigger than the loud transients inside the loop
        assert seam <= np.quantile(jumps, 0.9999), name
        # and the reverb/pad tail wraps round: the first 50 ms are not silence
        head = samples[:, : SAMPLE_RATE // 20]
        assert float(np.sqrt(np.mean(head**2))) > 0.01, name


def test_bed_path_renders_once_into_the_cache_with_a_versioned_name(music_cache: Path) -> None:
    path = bed_path("drift")
    assert path.parent == music_cache
    assert path.name.startswith(f"drift-v{SYNTH_VERSION}-") and path.suffix == ".wav"
    mtime = path.stat().st_mtime_ns
    again = bed_path("drift")
    assert again == path and again.stat().st_mtime_ns == mtime  # served from the cache
    samples = read_wav(path)
    assert samples.shape == (2, get_bed("drift").frames)
    assert np.allclose(samples, render_bed(get_bed("drift")), atol=1 / 32768 + 1e-6)
    assert not list(music_cache.glob("*.part"))  # nothing half-written left behind


@pytest.mark.parametrize(
    ("choice", "source", "tempo"),
    [("auto", "music:sunrise", 120.0), ("pulse", "music:pulse", 128.0), ("chill", "music:drift", 75.0),
     ("mood:playful", "music:bounce", 100.0), ("music:velvet", "music:velvet", 90.0), ("Elegant", "music:velvet", 90.0)],
)
def test_music_resolves_by_name_or_mood(choice: str, source: str, tempo: float) -> None:
    music = resolve_music(choice, default_mood="upbeat")
    assert (music.source, music.tempo) == (source, tempo)


def test_no_music() -> None:
    assert resolve_music("none") is None and resolve_music("") is None


def test_a_merchants_own_file_is_used_with_unknown_tempo_so_cuts_are_not_beat_snapped(tmp_path: Path) -> None:
    track = tmp_path / "our-jingle.mp3"
    track.write_bytes(b"ID3" + b"\0" * 100)
    music = resolve_music(str(track))
    assert (music.source, music.tempo) == (str(track), None)
    spec = compose(Product("Cap", images=[ProductImage(EXAMPLE_PHOTOS / "cap-red-front.png"), ProductImage(EXAMPLE_PHOTOS / "slipon-blue-top.png")]),
                   options=ComposeOptions(music=str(track)))
    [audio] = spec.segments_of("audio")
    assert audio.source == str(track) and audio.tempo is None
    assert any("not on the beat" in note for note in spec.metadata["notes"])


@pytest.mark.parametrize(
    ("choice", "message"),
    [("polka", "unknown music 'polka'"), ("/no/such/song.mp3", "not found"), ("mood:grumpy", "no music for mood")],
)
def test_bad_music_choices_are_clear_errors(choice: str, message: str) -> None:
    with pytest.raises(MusicError, match=message):
        resolve_music(choice)


def test_empty_music_file_is_refused(tmp_path: Path) -> None:
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    with pytest.raises(MusicError, match="empty"):
        resolve_music(str(empty))


def test_lookup_by_mood_and_unknown_bed() -> None:
    assert bed_for_mood("calm").name == "drift"
    with pytest.raises(MusicError, match="choose one of"):
        get_bed("nope")
