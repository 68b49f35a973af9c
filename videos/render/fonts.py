"""The font registry: a spec's (font, weight) -> a TTF from the `weblate-fonts` package (SIL OFL, see
`videos/render/fonts/NOTICE.md`), with a CJK fallback so Chinese, Japanese and Korean text never shows tofu."""

from __future__ import annotations

import functools
from pathlib import Path

from PIL import ImageFont

from videos.backends.base import RenderError

_SANS = "source-sans/ttf/SourceSans3-{}.ttf"
_MONO = "source-code/ttf/SourceCodePro-{}.ttf"
_KURINTO = "kurinto/ttf/KurintoSans{}-{}.ttf"

# (font, weight) -> file under weblate_fonts/static/weblate_fonts/.
REGISTRY: dict[tuple[str, str], str] = {
    ("sans", "light"): _SANS.format("Light"),
    ("sans", "regular"): _SANS.format("Regular"),
    ("sans", "bold"): _SANS.format("Bold"),
    ("sans", "black"): _SANS.format("Black"),
    # "display": one step heavier than sans, for big headlines.
    ("display", "light"): _SANS.format("Regular"),
    ("display", "regular"): _SANS.format("Semibold"),
    ("display", "bold"): _SANS.format("Black"),
    ("display", "black"): _SANS.format("Black"),
    # "light": one step lighter than sans, for quiet captions.
    ("light", "light"): _SANS.format("ExtraLight"),
    ("light", "regular"): _SANS.format("Light"),
    ("light", "bold"): _SANS.format("Regular"),
    ("light", "black"): _SANS.format("Semibold"),
    ("mono", "light"): _MONO.format("Light"),
    ("mono", "regular"): _MONO.format("Regular"),
    ("mono", "bold"): _MONO.format("Bold"),
    ("mono", "black"): _MONO.format("Black"),
}


def fonts_dir() -> Path:
    try:
        import weblate_fonts
    except ImportError:  # pragma: no cover - it is a hard requirement
        raise RenderError("the weblate-fonts package is not installed (pip install weblate-fonts)") from None
    return Path(weblate_fonts.__file__).resolve().parent / "static" / "weblate_fonts"


WEIGHTS = ("light", "regular", "bold", "black")
# Thin faces stay legible only this large (pixels); smaller, a heavier weight of the family is used.
_THIN_MIN_SIZE = {"ExtraLight": 72, "Light": 28}


def legible_weight(font: str, weight: str, size: int) -> str:
    """`weight`, or the next heavier one while its face is too thin to read at `size` pixels."""
    index = WEIGHTS.index(weight) if weight in WEIGHTS else 2
    while index < len(WEIGHTS) - 1:
        face = REGISTRY.get((font, WEIGHTS[index]), "")
        thin = next((px for name, px in _THIN_MIN_SIZE.items() if face.endswith(f"-{name}.ttf")), 0)
        if size >= thin:
            break
        index += 1
    return WEIGHTS[index]


def cjk_script(text: str) -> str | None:
    """"KR" for Hangul, "JP" for kana, "SC" for other Han/CJK text, None for text without CJK."""
    han = False
    for char in text:
        code = ord(char)
        if 0xAC00 <= code <= 0xD7AF or 0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F:
            return "KR"
        if 0x3040 <= code <= 0x30FF or 0x31F0 <= code <= 0x31FF or 0xFF66 <= code <= 0xFF9F:
            return "JP"
        if (
            0x4E00 <= code <= 0x9FFF
            or 0x3400 <= code <= 0x4DBF
            or 0xF900 <= code <= 0xFAFF
            or 0x20000 <= code <= 0x2FA1F
            or 0x3000 <= code <= 0x303F
            or 0xFF00 <= code <= 0xFF65
        ):
            han = True
    return "SC" if han else None


def is_cjk_char(char: str) -> bool:
    return cjk_script(char) is not None


def font_path(font: str, weight: str, text: str = "") -> Path:
    """The TTF for `font`/`weight`; a Kurinto CJK face when `text` contains CJK characters."""
    script = cjk_script(text)
    if script:
        relative = _KURINTO.format(script, "Bd" if weight in {"bold", "black"} else "Rg")
    else:
        relative = REGISTRY.get((font, weight)) or REGISTRY[("sans", "bold")]
    path = fonts_dir() / relative
    if not path.is_file():
        raise RenderError(f"font file missing: {path} (reinstall weblate-fonts)")
    return path


@functools.lru_cache(maxsize=64)
def _load(path: str, size: int) -> ImageFont.FreeTypeFont:
    layout = ImageFont.Layout.RAQM if ImageFont.core.HAVE_RAQM else ImageFont.Layout.BASIC
    return ImageFont.truetype(path, size, layout_engine=layout)


def load_font(font: str, weight: str, size: int, text: str = "") -> ImageFont.FreeTypeFont:
    return _load(str(font_path(font, weight, text)), max(1, int(size)))
