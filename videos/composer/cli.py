"""The composer behind the `render_video` command's flags (--template, --instruction, --music, --no-text,
--cta, --product): one function from command-line values to a spec plus notes for the merchant.

Precedence: a product JSON gives the product; explicit --title/--price/... override its fields; photo and
clip paths are added after its media. The instruction is applied first, then explicit flags, so
`--duration 20 --instruction "30 seconds"` makes 20 s (and says so in the notes).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from videos.composer.brand import BrandSettings, ComposeOptions
from videos.composer.compose import compose
from videos.composer.errors import ComposeError
from videos.composer.instructions import apply, interpret
from videos.composer.product import Product, ProductImage, ProductVideo, parse_amount
from videos.media.probe import IMAGE, VIDEO, sniff
from videos.spec import VideoSpec


def _add_paths(product: Product, paths: Sequence[str | Path]) -> None:
    for raw in paths:
        path = Path(raw).expanduser()
        if not path.is_file():
            raise ComposeError("paths", f"{path}: file not found")
        kind = sniff(path).kind
        if kind == IMAGE:
            product.images.append(ProductImage(path.resolve()))
        elif kind == VIDEO:
            product.videos.append(ProductVideo(path.resolve()))
        else:
            raise ComposeError("paths", f"{path}: not a photo or a video clip")


def spec_from_cli(
    paths: Sequence[str | Path] = (),
    *,
    title: str | None = None,
    price: str | Decimal | float | None = None,
    compare_at: str | Decimal | float | None = None,
    currency: str | None = None,
    aspect: str | None = None,
    duration: float | None = None,
    music: str | None = None,
    template: str | None = None,
    instruction: str | None = None,
    no_text: bool = False,
    cta: str | None = None,
    product_json: str | Path | None = None,
    brand: BrandSettings | None = None,
) -> tuple[VideoSpec, list[str]]:
    """Build the spec for a CLI run; `notes` says what the instruction did, what it did not understand,
    and what the composer left out (duplicates, extra photos...). Raises ComposeError for bad input."""
    if product_json:
        product = Product.load(product_json)
    else:
        if not paths:
            raise ComposeError("paths", "give at least one photo or clip, or --product FILE.json")
        product = Product(title=(title or Path(paths[0]).stem.replace("-", " ").replace("_", " ").strip() or "Product"))
    _add_paths(product, paths)
    if title:
        product.title = " ".join(title.split())
    if price is not None:
        product.price = parse_amount(price, "--price")
    if compare_at is not None:
        product.compare_at_price = parse_amount(compare_at, "--compare-at")
    if currency:
        product.currency = currency.strip().upper()

    notes: list[str] = []
    options = ComposeOptions()
    if instruction:
        result = interpret(instruction)
        notes += [f"understood {u}" for u in result.understood]
        notes += [f"did not understand: “{u}”" for u in result.unrecognised]
        notes += [f"conflict: {c}" for c in result.conflicts]
        options = apply(result, options).with_changes(notes=())
    explicit = {
        "aspect": aspect, "duration": duration, "template": template, "music": music,
        "cta_text": cta.strip() if cta else None,
    }
    overrides = {k: v for k, v in explicit.items() if v is not None}
    for key, value in overrides.items():
        before = getattr(options, key)
        if instruction and before != getattr(ComposeOptions(), key) and before != value:
            notes.append(f"--{key.replace('_text', '').replace('_', '-')} {value} overrides the instruction's {before}")
    if no_text:
        overrides.update(show_title=False, show_price=False, show_badge=False, show_cta=False)
    elif cta:
        overrides["show_cta"] = True
    options = options.with_changes(**overrides)
    spec = compose(product, brand or BrandSettings(), options)
    notes += list(spec.metadata.get("notes", []))
    return spec, notes
