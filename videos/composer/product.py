"""The product a video is about, from Shopify's Admin GraphQL shape or a simpler flat JSON.

Admin shape (API 2026-07, https://shopify.dev/docs/api/admin-graphql/2026-07: `Product`, `MediaImage`, `Video`,
`ProductVariant`): `title`, `descriptionHtml`, `vendor`, `tags`, `priceRangeV2 { minVariantPrice { amount
currencyCode } }`, `variants { nodes { price compareAtPrice } }` (Money scalars: decimal strings),
`featuredMedia`, `media { nodes { mediaContentType alt ... on MediaImage { image { url altText } }
... on Video { duration sources { url mimeType height } } } }` (`Video.duration` is in milliseconds).
Connections may also come as `edges[].node`; the document may be wrapped in `data.product` or `product`.

Flat shape: {"title", "description", "price", "compare_at_price", "currency", "vendor", "tags",
"images": ["a.png" | {"path" | "url", "alt"}], "videos": ["clip.mp4" | {"path" | "url"}]}.

Local paths are relative to the JSON file's folder; http(s) URLs are downloaded (videos/media/download.py),
from any host: the file is the operator's own input.
"""

from __future__ import annotations

import html
import json
import mimetypes
import os
import re
import tempfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from videos.composer.errors import ComposeError
from videos.media.download import DownloadError, download, is_url

if TYPE_CHECKING:
    import httpx  # only a type here; the download loads it when a URL is given

VIDEO_MIME_PREFERENCE = ("video/mp4", "video/quicktime", "video/webm")
_VIDEO_SUFFIXES = {".mp4", ".mov", ".m4v", ".webm"}
DOWNLOAD_MAX_BYTES = 200 * 1024 * 1024
DOWNLOAD_TIMEOUT_S = 30.0
# Extensions kept from a URL or inferred from the Content-Type (Shopify's CDN serves the original format).
_KNOWN_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".gif", ".mp4", ".mov", ".webm", ".m4v", ".mp3", ".wav", ".m4a", ".aac"}


@dataclass(frozen=True)
class ProductImage:
    path: Path
    alt: str = ""


@dataclass(frozen=True)
class ProductVideo:
    path: Path
    duration: float | None = None  # seconds, when the source says (else the composer probes the file)


@dataclass
class Product:
    title: str
    images: list[ProductImage] = field(default_factory=list)  # the first one is the hero (featured) shot
    videos: list[ProductVideo] = field(default_factory=list)
    description: str = ""
    price: Decimal | None = None
    compare_at_price: Decimal | None = None
    currency: str = "USD"
    vendor: str = ""
    tags: tuple[str, ...] = ()
    notes: list[str] = field(default_factory=list)  # media skipped while reading, for the merchant

    # --- loading --------------------------------------------------------------------------------
    @classmethod
    def load(cls, path: str | Path, *, download_dir: Path | None = None) -> Product:
        """Read a product JSON file (either shape)."""
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ComposeError("product", f"{path}: file not found") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ComposeError("product", f"{path}: not valid JSON ({exc})") from None
        return cls.from_json(data, path.resolve().parent, download_dir=download_dir)

    @classmethod
    def from_json(cls, data: Any, base_dir: str | Path, *, download_dir: Path | None = None) -> Product:
        """Either shape: Admin GraphQL (has descriptionHtml/priceRangeV2/media/variants/featuredMedia, or is
        wrapped in data.product / product) or flat."""
        if not isinstance(data, dict):
            raise ComposeError("product", "must be a JSON object")
        inner = _unwrap(data)
        if inner is not None:
            return cls.from_admin_json(inner, base_dir, download_dir=download_dir)
        return cls.from_flat_json(data, base_dir, download_dir=download_dir)

    @classmethod
    def from_admin_json(cls, data: dict[str, Any], base_dir: str | Path, *, download_dir: Path | None = None) -> Product:
        data = _unwrap(data) or data
        loader = _MediaLoader(Path(base_dir), download_dir)
        price, currency = _admin_price(data)
        product = cls(
            title=_title(data.get("title")),
            description=_strip_html(data.get("descriptionHtml") or data.get("description") or ""),
            price=price,
            compare_at_price=_admin_compare_at(data),
            currency=currency,
            vendor=str(data.get("vendor") or ""),
            tags=_tags(data.get("tags")),
        )
        featured = data.get("featuredMedia") or None
        media = _nodes(data.get("media"), "product.media")
        if featured and not any(_same_media(featured, m) for m in media):
            media.insert(0, featured)
        elif featured:  # the hero goes first, whatever its position in the gallery
            media.sort(key=lambda m: not _same_media(featured, m))
        for index, node in enumerate(media):
            _admin_media(node, f"product.media[{index}]", loader, product)
        loader.finish(product)
        return product

    @classmethod
    def from_flat_json(cls, data: dict[str, Any], base_dir: str | Path, *, download_dir: Path | None = None) -> Product:
        loader = _MediaLoader(Path(base_dir), download_dir)
        product = cls(
            title=_title(data.get("title")),
            description=str(data.get("description") or ""),
            price=parse_amount(data.get("price"), "product.price"),
            compare_at_price=parse_amount(data.get("compare_at_price"), "product.compare_at_price"),
            currency=str(data.get("currency") or "USD").upper(),
            vendor=str(data.get("vendor") or ""),
            tags=_tags(data.get("tags")),
        )
        for key, kind in (("images", "image"), ("videos", "video")):
            entries = data.get(key) or []
            if not isinstance(entries, list):
                raise ComposeError(f"product.{key}", "must be a list")
            for index, entry in enumerate(entries):
                where = f"product.{key}[{index}]"
                if isinstance(entry, str):
                    entry = {"url": entry} if is_url(entry) else {"path": entry}
                if not isinstance(entry, dict) or not (entry.get("path") or entry.get("url")):
                    raise ComposeError(where, 'must be a path, a URL or {"path"|"url": ..., "alt": ...}')
                path = loader.get(str(entry.get("path") or entry.get("url")), where)
                if kind == "image":
                    product.images.append(ProductImage(path, str(entry.get("alt") or "")))
                else:
                    product.videos.append(ProductVideo(path, _positive(entry.get("duration"))))
        loader.finish(product)
        return product

    @property
    def has_discount(self) -> bool:
        return self.price is not None and self.compare_at_price is not None and self.compare_at_price > self.price


# --- helpers ---------------------------------------------------------------------------------------
class _MediaLoader:
    """Turns a media reference into a local file: relative paths against the JSON's folder, URLs downloaded
    into `download_dir` (a new temp folder when not given; the caller owns and removes it)."""

    def __init__(self, base_dir: Path, download_dir: Path | None) -> None:
        self.base_dir = base_dir
        self.download_dir = download_dir
        self.count = 0

    def get(self, ref: str, where: str) -> Path:
        if is_url(ref):
            if self.download_dir is None:
                self.download_dir = Path(tempfile.mkdtemp(prefix="showreel-product-"))
            self.count += 1
            folder, index = self.download_dir, self.count
            try:
                return download(ref, lambda response: folder / _download_name(response, index),
                                max_bytes=DOWNLOAD_MAX_BYTES, timeout_s=DOWNLOAD_TIMEOUT_S).path
            except DownloadError as exc:
                raise ComposeError(where, f"download failed: {exc}") from exc
        if "://" in ref:
            raise ComposeError(where, f"unsupported URL {ref!r} (only http, https or a local path)")
        path = Path(ref).expanduser()
        path = path if path.is_absolute() else self.base_dir / path
        if not path.is_file():
            raise ComposeError(where, f"file not found: {path}")
        return path.resolve()

    def finish(self, product: Product) -> None:
        if not product.images and not product.videos:
            raise ComposeError("product.media", "the product has no photos or videos to show")


def _download_name(response: httpx.Response, index: int) -> str:
    """`001-<name from the URL>.<extension>`, the extension from the Content-Type when the URL has none."""
    name = Path(unquote(response.url.path)).name
    stem, suffix = os.path.splitext(name)
    if suffix.lower() not in _KNOWN_SUFFIXES:
        content_type = response.headers.get("content-type", "").split(";")[0].strip()
        guessed = mimetypes.guess_extension(content_type) or ""
        suffix = guessed if guessed in _KNOWN_SUFFIXES else suffix
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", stem)[:60] or "media"
    return f"{index:03d}-{stem}{suffix.lower()}"


def _unwrap(data: dict[str, Any]) -> dict[str, Any] | None:
    """The Admin product object if `data` is (or wraps) one, else None."""
    if isinstance(data.get("data"), dict) and isinstance(data["data"].get("product"), dict):
        return data["data"]["product"]
    if isinstance(data.get("product"), dict):
        return data["product"]
    admin_keys = {"descriptionHtml", "priceRangeV2", "media", "featuredMedia", "variants"}
    return data if admin_keys & data.keys() else None


def _nodes(connection: Any, where: str) -> list[dict[str, Any]]:
    if connection is None:
        return []
    if isinstance(connection, list):
        items = connection
    elif isinstance(connection, dict):
        items = connection.get("nodes")
        if items is None:
            items = [edge.get("node") for edge in connection.get("edges") or [] if isinstance(edge, dict)]
    else:
        raise ComposeError(where, "must be a connection ({nodes: [...]} or {edges: [{node}]})")
    return [item for item in items if isinstance(item, dict)]


def _title(value: Any) -> str:
    title = " ".join(str(value or "").split())
    if not title:
        raise ComposeError("product.title", "is required")
    return title


def _strip_html(text: str) -> str:
    text = re.sub(r"<(br|/p|/li|/h\d)\s*/?>", "\n", str(text), flags=re.IGNORECASE)
    return html.unescape(re.sub(r"<[^>]+>", "", text)).strip()


def _tags(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = value.split(",")
    return tuple(t.strip() for t in value or [] if isinstance(t, str) and t.strip())


def parse_amount(value: Any, where: str) -> Decimal | None:
    """A money amount (a number, a string or a MoneyV2 dict) as a Decimal >= 0; ComposeError naming `where`."""
    if value is None or value == "":
        return None
    if isinstance(value, dict):  # MoneyV2 {amount, currencyCode}
        value = value.get("amount")
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise ComposeError(where, f"not a number: {value!r}") from None
    if not amount.is_finite() or amount < 0:
        raise ComposeError(where, f"must be a finite amount >= 0, got {value!r}")
    return amount


def _positive(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def _first_variant(data: dict[str, Any]) -> dict[str, Any]:
    variants = _nodes(data.get("variants"), "product.variants")
    return variants[0] if variants else {}


def _admin_price(data: dict[str, Any]) -> tuple[Decimal | None, str]:
    money = ((data.get("priceRangeV2") or {}).get("minVariantPrice")) or {}
    currency = str(money.get("currencyCode") or "USD").upper()
    variant = _first_variant(data)
    price = parse_amount(variant.get("price"), "product.variants[0].price")
    if price is None:
        price = parse_amount(money.get("amount"), "product.priceRangeV2.minVariantPrice.amount")
    return price, currency


def _admin_compare_at(data: dict[str, Any]) -> Decimal | None:
    compare = parse_amount(_first_variant(data).get("compareAtPrice"), "product.variants[0].compareAtPrice")
    if compare is None:
        money = ((data.get("compareAtPriceRange") or {}).get("minVariantCompareAtPrice")) or {}
        compare = parse_amount(money.get("amount"), "product.compareAtPriceRange.minVariantCompareAtPrice.amount")
    return compare or None


def _media_key(node: dict[str, Any]) -> str | None:
    image = node.get("image") or {}
    return node.get("id") or image.get("url")


def _same_media(a: dict[str, Any], b: dict[str, Any]) -> bool:
    key = _media_key(a)
    return key is not None and key == _media_key(b)


def _admin_media(node: dict[str, Any], where: str, loader: _MediaLoader, product: Product) -> None:
    kind = str(node.get("mediaContentType") or "").upper()
    image = node.get("image")
    if kind in ("", "IMAGE") and isinstance(image, dict) and image.get("url"):
        alt = str(image.get("altText") or node.get("alt") or "")
        product.images.append(ProductImage(loader.get(str(image["url"]), f"{where}.image.url"), alt))
    elif kind in ("", "VIDEO") and node.get("sources"):
        source = _pick_video_source(node["sources"])
        if source is None:
            product.notes.append(f"{where}: skipped a video with no MP4/MOV/WEBM source")
            return
        duration_ms = _positive(node.get("duration"))
        path = loader.get(str(source["url"]), f"{where}.sources")
        product.videos.append(ProductVideo(path, duration_ms / 1000 if duration_ms else None))
    else:
        product.notes.append(f"{where}: skipped {kind.lower().replace('_', ' ') or 'media'} (only photos and videos are used)")


def _pick_video_source(sources: Any) -> dict[str, Any] | None:
    """An MP4 (else MOV/WEBM) rendition, the tallest not above 1080 lines (else the smallest)."""
    usable = [s for s in sources or [] if isinstance(s, dict) and s.get("url")]
    for mime in VIDEO_MIME_PREFERENCE:
        matching = [s for s in usable if str(s.get("mimeType", "")).lower() == mime]
        if not matching:
            continue
        fitting = [s for s in matching if (s.get("height") or 0) <= 1080]
        return max(fitting, key=lambda s: s.get("height") or 0) if fitting else min(matching, key=lambda s: s.get("height") or 0)
    by_suffix = [s for s in usable if Path(str(s["url"]).split("?")[0]).suffix.lower() in _VIDEO_SUFFIXES]
    return by_suffix[0] if by_suffix else None
