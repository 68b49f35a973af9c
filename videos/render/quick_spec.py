"""A deliberately small spec builder for `manage.py render_video` until the composer (videos/composer/)
takes over the CLI: hero photo first, equal shots with 0.5 s crossfades, zoom toward the product, the title
over the first ~3 s, then the price (and a "Save N%" badge when compare-at > price), a music bed at 35 %."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from videos.spec import (
    AudioSegment,
    Canvas,
    ClipSegment,
    ImageSegment,
    Motion,
    TextSegment,
    TextStyle,
    Track,
    Transition,
    VideoSpec,
)

CLIP_SUFFIXES = {".mp4", ".mov", ".avi", ".webm", ".mkv", ".m4v"}
CROSSFADE_S = 0.5
TITLE_S = 3.0
CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CNY": "¥", "CAD": "CA$", "AUD": "A$"}


def format_price(amount: str | float | Decimal, currency: str = "USD") -> str:
    value = Decimal(str(amount))
    symbol = CURRENCY_SYMBOLS.get(currency.upper())
    digits = f"{value:,.0f}" if currency.upper() == "JPY" else f"{value:,.2f}"
    return f"{symbol}{digits}" if symbol else f"{digits} {currency.upper()}"


def default_music() -> tuple[str, float | None] | None:
    """The library's default bed, or None when the music library is not available."""
    try:
        from videos.music.library import resolve_music
    except ImportError:
        return None
    music = resolve_music("auto")
    return (music.source, music.tempo) if music else None


def build_quick_spec(
    media: list[str],
    *,
    title: str | None = None,
    price: str | None = None,
    compare_at: str | None = None,
    currency: str = "USD",
    aspect: str = "1:1",
    duration: float = 15.0,
    music: str | None = None,
) -> VideoSpec:
    """`music`: None for the library's default bed, "none" for silence, or a file path."""
    if not media:
        raise ValueError("no usable photo: give at least one photo or clip")
    canvas = Canvas.for_aspect(aspect)
    count = len(media)
    # n shots overlapping by the crossfade fill the duration exactly.
    fade = min(CROSSFADE_S, duration / (2 * count)) if count > 1 else 0.0
    shot = (duration + fade * (count - 1)) / count
    video = []
    for index, source in enumerate(media):
        start = round(index * (shot - fade), 6)
        length = round(min(shot, duration - start), 6)
        transition = Transition(kind="crossfade", duration=fade) if index and fade else Transition()
        if source.lower().endswith(tuple(CLIP_SUFFIXES)):
            video.append(ClipSegment(source=source, start=start, duration=length, transition=transition))
        else:
            motion = Motion(kind="zoom_in", strength=0.1, focus="auto")
            video.append(ImageSegment(source=source, start=start, duration=length, motion=motion, transition=transition))
    tracks = [Track(kind="video", segments=video)]
    texts = []
    title_end = min(TITLE_S, duration)
    if title:
        texts.append(TextSegment(text=title, role="title", start=0.0, duration=title_end,
                                 style=TextStyle(size=76, y=0.86, animation="slide_up")))
    if price:
        start = title_end if title and duration - title_end >= 1.0 else 0.0
        length = duration - start
        texts.append(TextSegment(text=format_price(price, currency), role="price", start=start, duration=length,
                                 style=TextStyle(size=84, y=0.86, animation="pop", font="display")))
        saving = _saving(price, compare_at)
        if saving:
            texts.append(TextSegment(
                text=f"Save {saving}%", role="badge", start=start, duration=length,
                style=TextStyle(size=52, x=0.8, y=0.1, box="#E53935", uppercase=True, letter_spacing=0.05,
                                animation="pop", max_width=0.4),
            ))
    if texts:
        tracks.append(Track(kind="text", segments=texts))
    bed = (None if music and music.lower() == "none" else (music, None)) if music else default_music()
    if bed:
        source, tempo = bed
        tracks.append(Track(kind="audio", segments=[AudioSegment(source=source, start=0.0, duration=duration,
                                                                  volume=0.35, tempo=tempo)]))
    metadata = {"title": title or "", "builder": "quick_spec"}
    return VideoSpec(canvas=canvas, duration=duration, tracks=tracks, metadata=metadata)


def _saving(price: str | None, compare_at: str | None) -> int | None:
    try:
        now, before = Decimal(str(price)), Decimal(str(compare_at))
    except (InvalidOperation, TypeError, ValueError):
        return None
    if before <= 0 or now >= before:
        return None
    percent = int(((before - now) / before * 100).to_integral_value(rounding="ROUND_HALF_UP"))
    return percent or None
