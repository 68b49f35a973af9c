"""The background-music beds: each one a short arrangement (chords, bass line, drum pattern, melody) that
`render_bed` turns into 48 kHz stereo samples, deterministically, one seamless loop long.

Patterns are 16 steps a bar (sixteenth notes); "x" plays, "." rests. Beat 1 of bar 1 is at sample 0, so a
video that starts the bed at 0 s has its beat grid at multiples of 60 / tempo.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from videos.music import synth
from videos.music.synth import LOW_RATE, SAMPLE_RATE

STEPS = 16

_QUALITIES: dict[str, tuple[int, ...]] = {
    "": (0, 4, 7),
    "m": (0, 3, 7),
    "7": (0, 4, 7, 10),
    "maj7": (0, 4, 7, 11),
    "m7": (0, 3, 7, 10),
    "m9": (0, 3, 7, 10, 14),
    "add9": (0, 4, 7, 14),
    "sus2": (0, 2, 7),
    "sus4": (0, 5, 7),
}
_ROOTS = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
_SCALES = {"major": (0, 2, 4, 7, 9), "minor": (0, 3, 5, 7, 10)}  # pentatonic: no clashes over the chords


def chord_notes(name: str) -> tuple[int, list[int]]:
    """'Am7' -> (root pitch class 9, intervals [0, 3, 7, 10])."""
    match = re.fullmatch(r"([A-G])([#b]?)(.*)", name)
    if not match or match.group(3) not in _QUALITIES:
        raise ValueError(f"unknown chord {name!r}")
    root = (_ROOTS[match.group(1)] + {"#": 1, "b": -1, "": 0}[match.group(2)]) % 12
    return root, list(_QUALITIES[match.group(3)])


@dataclass(frozen=True)
class Bed:
    name: str
    mood: str
    tempo: float
    key: str  # tonic pitch class name, e.g. "C"
    scale: str  # "major" | "minor" (pentatonic melody)
    chords: tuple[str, ...]  # one chord per bar; the loop is len(chords) bars
    kick: str
    snare: str
    hat: str
    open_hat: str = "." * STEPS
    clap: str = "." * STEPS
    shaker: str = "." * STEPS
    bass: str = "x.......x......."  # "x" root, "o" octave up, "5" fifth
    melody: str = "x...x...x.x....."  # rhythm of a 1-bar cell; pitches are chosen per bar
    description: str = ""
    bass_pluck: float = 0.4
    pad_brightness: float = 0.3
    pad_cutoff: float = 2200.0
    pad_octave: int = 4
    melody_octave: int = 5
    swing: float = 0.0  # 0..0.5 of a step, on the off sixteenths
    reverb_s: float = 1.6
    sidechain: float = 0.0  # how far the pad ducks under each kick, 0..1
    levels: tuple[float, float, float, float] = (0.5, 0.7, 1.0, 0.35)  # pad, bass, drums, melody
    seed: int = 1

    @property
    def bars(self) -> int:
        return len(self.chords)

    @property
    def beat_s(self) -> float:
        return 60.0 / self.tempo

    @property
    def duration(self) -> float:
        return self.bars * 4 * self.beat_s

    @property
    def frames(self) -> int:
        # Tempos are picked so this is a whole number with only small prime factors: the circular FFTs
        # (filters, reverb) on a buffer this long are then fast (tested).
        return round(self.duration * SAMPLE_RATE)


BEDS: tuple[Bed, ...] = (
    Bed(
        name="sunrise",
        mood="upbeat",
        tempo=120.0,
        key="C",
        scale="major",
        chords=("C", "G", "Am", "F", "C", "G", "F", "G"),
        kick="x.....x...x.....",
        snare="....x.......x...",
        hat="x.x.x.x.x.x.x.x.",
        shaker="..x...x...x...x.",
        bass="x..x..x.x..x..o.",
        melody="x..x..x...x.x...",
        description="Bright pop: piano-like plucks over warm chords, steady backbeat.",
        bass_pluck=0.5,
        pad_brightness=0.35,
        seed=11,
    ),
    Bed(
        name="pulse",
        mood="energetic",
        tempo=128.0,
        key="A",
        scale="minor",
        chords=("Am", "F", "C", "G", "Am", "F", "C", "E7"),
        kick="x...x...x...x...",
        snare="................",
        clap="....x.......x...",
        hat="..x...x...x...x.",
        open_hat="..x...x...x...x.",
        bass="..x...x...x...x.",
        melody="x.x...x.x.x.....",
        description="Driving four-on-the-floor with off-beat bass and a pumping pad.",
        bass_pluck=0.7,
        pad_brightness=0.6,
        pad_cutoff=3200.0,
        sidechain=0.6,
        levels=(0.55, 0.8, 1.1, 0.3),
        seed=23,
    ),
    Bed(
        name="drift",
        mood="calm",
        tempo=75.0,
        key="F",
        scale="major",
        chords=("Fmaj7", "Dm7", "Bbmaj7", "Csus4", "Fmaj7", "Am7", "Bbmaj7", "C"),
        kick="x.........x.....",
        snare="....x.......x...",
        hat="x...x...x...x...",
        bass="x.......x.......",
        melody="x.....x.........",
        description="Slow, airy pads with a soft brushed beat and a sparse bell melody.",
        bass_pluck=0.1,
        pad_brightness=0.15,
        pad_cutoff=1500.0,
        reverb_s=2.4,
        levels=(0.7, 0.6, 0.55, 0.4),
        seed=37,
    ),
    Bed(
        name="bounce",
        mood="playful",
        tempo=100.0,
        key="G",
        scale="major",
        chords=("G", "Em", "Am7", "D7", "G", "Em", "C", "D"),
        kick="x......xx.......",
        snare="....x.......x...",
        clap="............x...",
        hat="x.xxx.xxx.xxx.xx",
        bass="x.o.5.o.x.o.5.o.",
        melody="x.x.x...x.x.x.x.",
        description="Swung, bouncy groove with a walking bass: sales and fun products.",
        bass_pluck=0.8,
        pad_brightness=0.25,
        swing=0.3,
        levels=(0.45, 0.75, 0.95, 0.4),
        seed=41,
    ),
    Bed(
        name="velvet",
        mood="elegant",
        tempo=90.0,
        key="D",
        scale="minor",
        chords=("Dm9", "Gm7", "Bbmaj7", "A7", "Dm9", "Gm7", "Ebmaj7", "A7"),
        kick="x.......x.x.....",
        snare="....x.......x...",
        hat="x.x.x.x.x.x.x.x.",
        shaker="................",
        bass="x.......x.....5.",
        melody="x.....x...x.....",
        description="Late-night lounge: rich minor-ninth chords, soft kit, long reverb.",
        bass_pluck=0.2,
        pad_brightness=0.2,
        pad_cutoff=1800.0,
        reverb_s=2.2,
        swing=0.15,
        levels=(0.65, 0.7, 0.7, 0.35),
        seed=53,
    ),
)


def render_bed(bed: Bed) -> np.ndarray:
    """The bed's loop as float32 stereo samples, shape (2, frames), peaks below 1.0."""
    frames = bed.frames
    factor = SAMPLE_RATE // LOW_RATE
    low_frames = frames // factor
    step = frames / SAMPLE_RATE / (bed.bars * STEPS)
    rng = np.random.default_rng(bed.seed)

    def at(bar: int, index: int, rate: int = SAMPLE_RATE) -> int:
        swing = bed.swing * step if index % 2 == 1 else 0.0
        return round(((bar * STEPS + index) * step + swing) * rate)

    pad, bass, melody = (synth.Bus(low_frames, LOW_RATE) for _ in range(3))
    drums = synth.Bus(frames)
    kick_env = np.zeros(low_frames)
    key_root = _ROOTS[bed.key[0]] + {"#": 1, "b": -1}.get(bed.key[1:], 0)
    scale = _SCALES[bed.scale]

    # Drum one-shots: a few seeded variations each so repeated hits aren't identical.
    kits = {
        "kick": [synth.kick(rng, tone) for tone in (1.0, 0.9)],
        "snare": [synth.snare(rng, snap) for snap in (1.0, 0.8)],
        "clap": [synth.clap(rng)],
        "hat": [synth.hat(rng) for _ in range(3)],
        "open_hat": [synth.hat(rng, open_=True)],
        "shaker": [synth.shaker(rng) for _ in range(2)],
    }
    drum_mix = {"kick": (0.0, 1.0), "snare": (0.05, 0.55), "clap": (-0.1, 0.5), "hat": (0.3, 0.22), "open_hat": (0.3, 0.18), "shaker": (-0.35, 0.18)}

    for bar, chord in enumerate(bed.chords):
        root, intervals = chord_notes(chord)
        # Pad: the chord voiced close above the pad octave, held for the bar.
        base = 12 * (bed.pad_octave + 1) + root
        if root >= 7:
            base -= 12  # keep voicings in one register rather than climbing with the root
        for i, interval in enumerate(intervals):
            note = synth.pad_note(synth.midi_hz(base + interval), 4 * bed.beat_s, release=0.8, brightness=bed.pad_brightness)
            pad.add(note, at(bar, 0, LOW_RATE), gain=0.25 * (0.8 if i else 1.0))
        # Bass.
        bass_root = 36 + root  # C2..B2
        for index, symbol in enumerate(bed.bass):
            if symbol == ".":
                continue
            offset = {"x": 0, "o": 12, "5": 7}[symbol]
            length = _hold(bed.bass, index) * step * (1.0 - 0.5 * bed.bass_pluck)
            bass.add(synth.bass_note(synth.midi_hz(bass_root + offset), length, bed.bass_pluck), at(bar, index, LOW_RATE), gain=0.9)
        # Drums: pattern hits, a little humanised velocity, and a snare fill into every fourth bar.
        for part, (pan, gain) in drum_mix.items():
            pattern = getattr(bed, part)
            if part == "snare" and bar % 4 == 3 and any(c == "x" for c in pattern):
                pattern = pattern[:12] + "x.xx"
            for index, symbol in enumerate(pattern):
                if symbol != "x":
                    continue
                shots = kits[part]
                velocity = gain * (0.85 + 0.15 * rng.random()) * (1.0 if index % 4 == 0 else 0.85)
                drums.add(shots[(bar + index) % len(shots)], at(bar, index), pan=pan, gain=velocity)
                if part == "kick":
                    _mark_kick(kick_env, at(bar, index, LOW_RATE))
        # Melody: bars 1-2 state a phrase, 3-4 answer, 5-6 repeat the phrase, 7-8 close it.
        phrase = (bar // 2) % 4
        cell_rng = np.random.default_rng(bed.seed * 100 + (0 if phrase == 2 else phrase) * 10 + bar % 2)
        for index, symbol in enumerate(bed.melody):
            if symbol != "x":
                continue
            note = _melody_pitch(cell_rng, key_root, scale, root, intervals, bed.melody_octave, strong=index % 8 == 0)
            if phrase == 3 and bar % 2 == 1 and index >= 8:
                note = 12 * (bed.melody_octave + 1) + key_root  # land on the tonic before the loop restarts
            length = _hold(bed.melody, index) * step
            melody.add(synth.bell_note(synth.midi_hz(note), length), at(bar, index, LOW_RATE), pan=0.15 * (1 if index % 8 else -1), gain=0.3)

    pad_signal = synth.lowpass(pad.data, bed.pad_cutoff, rate=LOW_RATE)
    if bed.sidechain:
        pad_signal *= 1.0 - bed.sidechain * _smooth_duck(kick_env)
    tonal = bed.levels[0] * pad_signal + bed.levels[1] * bass.data + bed.levels[3] * melody.data
    send = 0.6 * bed.levels[0] * pad_signal + 0.5 * bed.levels[3] * melody.data
    tonal += 0.35 * synth.reverb(send, bed.reverb_s, seed=bed.seed + 7, rate=LOW_RATE)
    mix = synth.upsample(tonal, factor) + bed.levels[2] * drums.data
    return synth.master(mix).astype(np.float32)


def _hold(pattern: str, index: int) -> int:
    """How many steps a note at `index` lasts: until the next note (wrapping round the bar)."""
    for length in range(1, STEPS + 1):
        if pattern[(index + length) % STEPS] != ".":
            return length
    return STEPS


def _melody_pitch(
    rng: np.random.Generator, key_root: int, scale: tuple[int, ...], chord_root: int, intervals: list[int], octave: int, *, strong: bool
) -> int:
    base = 12 * (octave + 1) + key_root
    # Chord tones on the strong steps, the pentatonic scale elsewhere.
    choices = sorted({(chord_root + i - key_root) % 12 for i in intervals[:3]}) if strong else list(scale)
    return base + int(choices[int(rng.integers(len(choices)))])


def _mark_kick(env: np.ndarray, start: int) -> None:
    length = int(0.25 * LOW_RATE)
    t = np.arange(length) / LOW_RATE
    idx = (start + np.arange(length)) % env.shape[0]
    env[idx] = np.maximum(env[idx], np.exp(-t / 0.09))



def _smooth_duck(env: np.ndarray) -> np.ndarray:
    # A 5 ms running mean takes the click out of the duck's instant attack.
    width = int(0.005 * LOW_RATE)
    padded = np.concatenate([env[-width:], env])
    csum = np.cumsum(padded)
    return ((csum[width:] - csum[:-width]) / width).clip(0.0, 1.0)
