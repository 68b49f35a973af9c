"""The music library: the project's own synthesised beds (by name or mood) and merchants' own files.

- `list_beds()` -> name, mood, tempo, duration of every bed.
- `get_bed(name)`, `bed_for_mood(mood)` -> a `Bed`, or a `MusicError` listing the choices.
- `bed_path(name)` -> a WAV of the bed, rendered once into `settings.VAR_DIR / "music"`. The renderer calls
  this for spec audio sources `music:<name>`.
- `resolve_music(choice)` -> what goes on the spec's audio track for "auto", "none", a bed name, a mood or
  a merchant's file. A merchant's file has no known tempo, so the composer does not beat-snap cuts to it.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from videos.music.beds import BEDS, Bed, render_bed
from videos.music.synth import SAMPLE_RATE

# Bump when synthesis code changes the sound; the cache file name carries it (and a hash of the bed's
# own parameters), so stale renders are never served.
SYNTH_VERSION = 1
MUSIC_PREFIX = "music:"
AUDIO_SUFFIXES = frozenset({".mp3", ".wav", ".m4a", ".aac"})

# Words a merchant might use for each mood.
MOOD_SYNONYMS: dict[str, tuple[str, ...]] = {
    "upbeat": ("upbeat", "happy", "bright", "cheerful", "positive", "sunny", "欢快", "轻快", "明快"),
    "energetic": ("energetic", "energy", "intense", "driving", "epic", "powerful", "动感", "激昂", "有活力"),
    "calm": ("calm", "relaxed", "relaxing", "chill", "soft", "gentle", "peaceful", "mellow", "舒缓", "安静", "轻柔", "平静"),
    "playful": ("playful", "fun", "quirky", "bouncy", "cute", "俏皮", "有趣", "可爱"),
    "elegant": ("elegant", "classy", "sophisticated", "chic", "jazzy", "lounge", "优雅", "爵士"),
}


class MusicError(ValueError):
    """An unknown bed or mood, or an unusable music file; the message lists what would work."""


@dataclass(frozen=True)
class BedInfo:
    name: str
    mood: str
    tempo: float
    duration: float
    bars: int
    description: str


@dataclass(frozen=True)
class Music:
    """What the composer puts on the audio track."""

    source: str  # "music:<bed>" or a file path
    tempo: float | None  # beats per minute; None for a merchant's file (cuts are then not beat-snapped)
    label: str  # the bed's name or the file's name
    mood: str | None = None


def list_beds() -> list[BedInfo]:
    return [BedInfo(b.name, b.mood, b.tempo, round(b.duration, 3), b.bars, b.description) for b in BEDS]


def moods() -> list[str]:
    return [bed.mood for bed in BEDS]


def get_bed(name: str) -> Bed:
    for bed in BEDS:
        if bed.name == name.strip().lower():
            return bed
    raise MusicError(f"unknown music {name!r}; choose one of {', '.join(b.name for b in BEDS)}, or a mood ({', '.join(moods())})")


def mood_of(word: str) -> str | None:
    """The mood a word names ("chill" -> "calm"), or None."""
    word = word.strip().lower()
    for mood, words in MOOD_SYNONYMS.items():
        if word == mood or word in words:
            return mood
    return None


def bed_for_mood(mood: str) -> Bed:
    canonical = mood_of(mood)
    for bed in BEDS:
        if bed.mood == canonical:
            return bed
    raise MusicError(f"no music for mood {mood!r}; moods: {', '.join(moods())}")


def music_source(name: str) -> str:
    return f"{MUSIC_PREFIX}{get_bed(name).name}"


def bed_name(source: str) -> str | None:
    """The bed a spec audio source refers to ("music:pulse" -> "pulse"), None for a file path."""
    return source[len(MUSIC_PREFIX) :] if source.startswith(MUSIC_PREFIX) else None


def bed_music(bed: Bed) -> Music:
    return Music(source=f"{MUSIC_PREFIX}{bed.name}", tempo=bed.tempo, label=bed.name, mood=bed.mood)


def resolve_music(choice: str | None, *, default_mood: str = "upbeat") -> Music | None:
    """"auto" -> the bed for `default_mood`; "none"/"" -> no music; a bed name, "mood:<m>" or a mood word
    -> that bed; a path ending in .mp3/.wav/.m4a/.aac -> the merchant's file (which must exist)."""
    if choice is None:
        return None
    text = choice.strip()
    lowered = text.lower()
    if lowered in {"", "none", "off", "no"}:
        return None
    if lowered == "auto":
        return bed_music(bed_for_mood(default_mood))
    if lowered.startswith(MUSIC_PREFIX):
        return bed_music(get_bed(lowered[len(MUSIC_PREFIX) :]))
    if lowered.startswith("mood:"):
        return bed_music(bed_for_mood(lowered[5:]))
    if any(bed.name == lowered for bed in BEDS):
        return bed_music(get_bed(lowered))
    if mood_of(lowered):
        return bed_music(bed_for_mood(lowered))
    path = Path(text)
    if path.suffix.lower() in AUDIO_SUFFIXES:
        if not path.is_file():
            raise MusicError(f"music file {text!r} not found")
        if path.stat().st_size == 0:
            raise MusicError(f"music file {text!r} is empty")
        return Music(source=str(path), tempo=None, label=path.name)
    raise MusicError(
        f"unknown music {choice!r}: give a bed ({', '.join(b.name for b in BEDS)}), a mood "
        f"({', '.join(moods())}), 'none', or an audio file ({', '.join(sorted(AUDIO_SUFFIXES))})"
    )


# --- rendering to the cache -----------------------------------------------------------------------
def _cache_dir() -> Path:
    from django.conf import settings

    return Path(settings.VAR_DIR) / "music"


def _cache_key(bed: Bed) -> str:
    return hashlib.sha256(repr(bed).encode()).hexdigest()[:10]


def bed_path(name: str) -> Path:
    """The bed's WAV (48 kHz, 16-bit stereo, one seamless loop), rendered on first use."""
    bed = get_bed(name)
    target = _cache_dir() / f"{bed.name}-v{SYNTH_VERSION}-{_cache_key(bed)}.wav"
    if target.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    samples = render_bed(bed)
    # Write beside the target and rename: a concurrent reader never sees a half-written file.
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{bed.name}-", suffix=".wav.part")
    try:
        with os.fdopen(fd, "wb") as handle:
            write_wav(handle, samples)
        os.chmod(tmp, 0o644)  # mkstemp makes it owner-only; workers under another user read it too
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def write_wav(handle, samples: np.ndarray) -> None:  # type: ignore[no-untyped-def]
    """Write (2, frames) float samples in -1..1 as 16-bit PCM."""
    pcm = (np.clip(samples, -1.0, 1.0) * 32767.0).round().astype("<i2")
    with wave.open(handle, "wb") as out:
        out.setnchannels(samples.shape[0])
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(pcm.T.tobytes())


def read_wav(path: Path) -> np.ndarray:
    """(channels, frames) float32 in -1..1 from a 16-bit PCM WAV (the cache's format)."""
    with wave.open(str(path), "rb") as wav:
        channels, width = wav.getnchannels(), wav.getsampwidth()
        if width != 2:
            raise MusicError(f"{path}: only 16-bit PCM WAV is read here")
        raw = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")
    return (raw.reshape(-1, channels).T / 32768.0).astype(np.float32)
