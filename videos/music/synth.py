"""Deterministic music synthesis in numpy: instruments, a circular mixing bus, reverb.

Everything is written into a buffer exactly one loop long, and whatever rings past the loop's end (a pad's
release, a reverb tail) wraps round to its start, so the rendered bed loops without a seam. Filters and the
reverb work in the frequency domain, which is circular too. No randomness except from seeded generators.
"""

from __future__ import annotations

import numpy as np

SAMPLE_RATE = 48_000
# Tonal parts (pads, bass, melody: nothing above ~5 kHz) are made at a quarter of the rate and upsampled
# once, which quarters their cost; drums, which need the top octaves, are made at the full rate.
LOW_RATE = SAMPLE_RATE // 4


def midi_hz(note: float) -> float:
    return 440.0 * 2.0 ** ((note - 69.0) / 12.0)


def pan_gains(pan: float) -> tuple[float, float]:
    """Equal-power gains for pan in -1 (left) .. 1 (right)."""
    angle = (pan + 1.0) * np.pi / 4.0
    return float(np.cos(angle)), float(np.sin(angle))


class Bus:
    """A stereo buffer one loop long; `add` wraps anything past the end round to the start."""

    def __init__(self, frames: int, rate: int = SAMPLE_RATE) -> None:
        self.frames = frames
        self.rate = rate
        self.data = np.zeros((2, frames), dtype=np.float64)

    def add(self, signal: np.ndarray, start: int, pan: float = 0.0, gain: float = 1.0) -> None:
        stereo = signal if signal.ndim == 2 else np.stack([signal * g for g in pan_gains(pan)])
        stereo = stereo * gain
        pos, length = 0, stereo.shape[1]
        start %= self.frames
        while pos < length:
            at = (start + pos) % self.frames
            n = min(length - pos, self.frames - at)
            self.data[:, at : at + n] += stereo[:, pos : pos + n]
            pos += n


# --- filters -------------------------------------------------------------------------------------
def _freqs(n: int, rate: int) -> np.ndarray:
    return np.fft.rfftfreq(n, 1.0 / rate)


def lowpass(signal: np.ndarray, cutoff: float, order: int = 2, rate: int = SAMPLE_RATE) -> np.ndarray:
    """Butterworth-shaped magnitude response, zero phase, circular (fine for loops and one-shots)."""
    f = _freqs(signal.shape[-1], rate)
    response = 1.0 / np.sqrt(1.0 + (f / cutoff) ** (2 * order))
    return np.fft.irfft(np.fft.rfft(signal, axis=-1) * response, n=signal.shape[-1], axis=-1)


def upsample(signal: np.ndarray, factor: int) -> np.ndarray:
    """Band-limited (circular) upsampling by zero-padding the spectrum."""
    n = signal.shape[-1]
    spectrum = np.fft.rfft(signal, axis=-1)
    padded = np.zeros((*signal.shape[:-1], n * factor // 2 + 1), dtype=complex)
    padded[..., : spectrum.shape[-1]] = spectrum
    return np.fft.irfft(padded, n=n * factor, axis=-1) * factor


def highpass(signal: np.ndarray, cutoff: float, order: int = 2) -> np.ndarray:
    f = _freqs(signal.shape[-1], SAMPLE_RATE)
    with np.errstate(divide="ignore"):
        response = 1.0 / np.sqrt(1.0 + (cutoff / np.maximum(f, 1e-9)) ** (2 * order))
    return np.fft.irfft(np.fft.rfft(signal, axis=-1) * response, n=signal.shape[-1], axis=-1)


def bandpass(signal: np.ndarray, low: float, high: float) -> np.ndarray:
    return highpass(lowpass(signal, high), low)


def reverb(bus: np.ndarray, seconds: float, seed: int, rate: int = SAMPLE_RATE) -> np.ndarray:
    """Circular convolution with a decaying stereo noise tail (decorrelated left/right for width)."""
    frames = bus.shape[1]
    n = min(int(seconds * rate), frames)
    rng = np.random.default_rng(seed)
    t = np.arange(n) / rate
    decay = np.exp(-6.9 * t / seconds)  # -60 dB at `seconds`
    ir = rng.standard_normal((2, n)) * decay
    ir = lowpass(ir, min(6000.0, rate * 0.45), rate=rate)
    ir /= np.sqrt(np.sum(ir**2, axis=1, keepdims=True))
    padded = np.zeros((2, frames))
    padded[:, :n] = ir
    return np.fft.irfft(np.fft.rfft(bus, axis=-1) * np.fft.rfft(padded, axis=-1), n=frames, axis=-1)


# --- envelopes and oscillators -----------------------------------------------------------------------
def adsr(length: int, attack: float, release: float, sustain_len: int, rate: int = LOW_RATE) -> np.ndarray:
    """Linear attack to 1, hold for `sustain_len` frames in total, then an exponential release."""
    env = np.ones(length)
    a = max(1, int(attack * rate))
    env[:a] = np.linspace(0.0, 1.0, a, endpoint=False)[: min(a, length)]
    if sustain_len < length:
        tail = np.arange(length - sustain_len) / rate
        env[sustain_len:] *= np.exp(-5.0 * tail / max(release, 1e-3))
    return env


def triangle(freq: float, length: int, phase: float = 0.0, rate: int = LOW_RATE) -> np.ndarray:
    p = (phase + freq * np.arange(length) / rate) % 1.0
    return 4.0 * np.abs(p - 0.5) - 1.0


def saw(freq: float, length: int, phase: float = 0.0, rate: int = LOW_RATE) -> np.ndarray:
    p = (phase + freq * np.arange(length) / rate) % 1.0
    return 2.0 * p - 1.0


def sine(freq: float, length: int, phase: float = 0.0, rate: int = LOW_RATE) -> np.ndarray:
    return np.sin(2.0 * np.pi * (phase + freq * np.arange(length) / rate))


# --- instruments (tonal ones at LOW_RATE) ---------------------------------------------------------
def pad_note(freq: float, seconds: float, release: float, brightness: float, detune_cents: float = 7.0) -> np.ndarray:
    """Two detuned triangle/saw voices, one per side: a soft, wide chord tone (stereo)."""
    length = int((seconds + release) * LOW_RATE)
    env = adsr(length, attack=min(0.35, seconds / 3), release=release, sustain_len=int(seconds * LOW_RATE))
    voices = []
    for side, cents in ((0, -detune_cents), (1, detune_cents)):
        f = freq * 2.0 ** (cents / 1200.0)
        phase = 2.0 * np.pi * (0.25 * side + f * np.arange(length) / LOW_RATE)
        # Triangle body plus a few saw-like partials (band-limited: no aliasing at the low rate).
        tone = triangle(f, length, phase=0.25 * side)
        tone += brightness * sum(np.sin(k * phase) / k for k in (2, 3, 4, 5))
        voices.append(tone * env)
    return np.stack(voices)


def bass_note(freq: float, seconds: float, pluck: float) -> np.ndarray:
    """A round sine bass with a little second harmonic; `pluck` 0 (held) .. 1 (short, staccato)."""
    length = int((seconds + 0.08) * LOW_RATE)
    t = np.arange(length) / LOW_RATE
    tone = sine(freq, length) + 0.25 * sine(2 * freq, length) + 0.08 * triangle(freq, length)
    decay = np.exp(-t * (2.0 + 10.0 * pluck))
    attack = np.minimum(1.0, t / 0.006)
    gate = np.where(t < seconds, 1.0, np.exp(-(t - seconds) / 0.02))
    return tone * decay * attack * gate


def bell_note(freq: float, seconds: float) -> np.ndarray:
    """A soft mallet: sine partials with a quick attack and a fading ring."""
    length = int((seconds + 0.6) * LOW_RATE)
    t = np.arange(length) / LOW_RATE
    tone = sine(freq, length) + 0.35 * sine(2.0 * freq, length) * np.exp(-t * 6) + 0.12 * sine(3.0 * freq, length) * np.exp(-t * 10)
    return tone * np.exp(-t * 3.2) * np.minimum(1.0, t / 0.004)


def kick(rng: np.random.Generator, tone: float = 1.0) -> np.ndarray:
    """A pitched sine drop (150 -> 48 Hz) with a short click."""
    length = int(0.45 * SAMPLE_RATE)
    t = np.arange(length) / SAMPLE_RATE
    freq = 48.0 + 100.0 * tone * np.exp(-t / 0.035)
    body = np.sin(2.0 * np.pi * np.cumsum(freq) / SAMPLE_RATE) * np.exp(-t / 0.22)
    click = lowpass(rng.standard_normal(length), 3000.0) * np.exp(-t / 0.004) * 0.3
    return body + click


def snare(rng: np.random.Generator, snap: float = 1.0) -> np.ndarray:
    """Band-passed noise with a 190 Hz body."""
    length = int(0.35 * SAMPLE_RATE)
    t = np.arange(length) / SAMPLE_RATE
    noise = bandpass(rng.standard_normal(length), 1200.0, 9000.0) * np.exp(-t / (0.06 + 0.05 * snap))
    body = sine(190.0, length, rate=SAMPLE_RATE) * np.exp(-t / 0.06)
    return 0.8 * noise / (np.max(np.abs(noise)) + 1e-9) + 0.5 * body


def clap(rng: np.random.Generator) -> np.ndarray:
    """Three quick noise bursts and a tail, band-passed around 1.5 kHz."""
    length = int(0.3 * SAMPLE_RATE)
    t = np.arange(length) / SAMPLE_RATE
    env = np.exp(-t / 0.09)
    for offset in (0.0, 0.011, 0.022):
        env += 1.2 * np.where(t >= offset, np.exp(-(t - offset) / 0.004), 0.0)
    noise = bandpass(rng.standard_normal(length), 800.0, 4000.0)
    return noise * env / (np.max(np.abs(noise * env)) + 1e-9)


def hat(rng: np.random.Generator, open_: bool = False) -> np.ndarray:
    """High-passed noise: closed (30 ms) or open (160 ms)."""
    decay = 0.16 if open_ else 0.03
    length = int((decay * 5) * SAMPLE_RATE)
    t = np.arange(length) / SAMPLE_RATE
    noise = highpass(rng.standard_normal(length), 7000.0, order=3)
    return noise / (np.max(np.abs(noise)) + 1e-9) * np.exp(-t / decay)


def shaker(rng: np.random.Generator) -> np.ndarray:
    length = int(0.12 * SAMPLE_RATE)
    t = np.arange(length) / SAMPLE_RATE
    noise = bandpass(rng.standard_normal(length), 5000.0, 12000.0)
    env = np.minimum(1.0, t / 0.015) * np.exp(-t / 0.03)
    return noise * env / (np.max(np.abs(noise)) + 1e-9)


def master(mix: np.ndarray, target_rms_db: float = -17.0) -> np.ndarray:
    """Loudness to a fixed RMS, then a soft limiter keeps peaks under 0 dBFS."""
    rms = float(np.sqrt(np.mean(mix**2))) or 1.0
    scaled = mix * (10 ** (target_rms_db / 20.0) / rms)
    return 0.97 * np.tanh(scaled)
