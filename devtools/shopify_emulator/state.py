"""The emulator's in-memory world: shops, products, media, tokens, staged uploads. A test double, so plain
dataclasses behind one lock (`Store.lock`); every mutation happens while holding it."""

from __future__ import annotations

import io
import itertools
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from devtools.shopify_emulator.cost import LeakyBucket
from devtools.shopify_emulator.samples import SAMPLE_PRODUCTS, image_size

MAX_VIDEO_S = 600  # Shopify: videos up to 10 minutes, 3840x2160
MAX_VIDEO_W, MAX_VIDEO_H = 3840, 2160


class Clock:
    """Wall clock for the emulator; tests swap in a `FakeClock` so waits cost no time."""

    def __call__(self) -> float:
        return time.time()


class FakeClock(Clock):
    def __init__(self, start: float | None = None) -> None:
        self.now = time.time() if start is None else start
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self.now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self.now += max(0.0, seconds)


@dataclass
class Media:
    id: str  # gid://shopify/MediaImage/N or gid://shopify/Video/N
    kind: str  # IMAGE | VIDEO
    alt: str
    filename: str
    status: str = "READY"
    image_url: str | None = None
    width: int | None = None
    height: int | None = None
    data: bytes | None = field(default=None, repr=False)
    duration_ms: int | None = None
    final_errors: list[dict[str, Any]] = field(default_factory=list)  # shown once processing ends
    errors: list[dict[str, Any]] = field(default_factory=list)
    polls: int = 0
    created_at: str = ""

    @property
    def number(self) -> int:
        return int(self.id.rsplit("/", 1)[1])


@dataclass
class Product:
    id: int
    title: str
    handle: str
    description_html: str
    vendor: str
    product_type: str
    tags: list[str]
    price: str
    compare_at: str | None
    currency: str
    status: str = "ACTIVE"
    inventory: int = 10
    media_ids: list[str] = field(default_factory=list)
    created_at: str = ""
    updated_at: str = ""

    @property
    def gid(self) -> str:
        return f"gid://shopify/Product/{self.id}"


@dataclass
class Upload:
    id: str
    shop: str
    key: str
    filename: str
    mime_type: str
    resource: str
    size: int | None
    parameters: list[tuple[str, str]]
    expires_at: float
    data: bytes | None = field(default=None, repr=False)


@dataclass
class EmuShop:
    domain: str
    number: int
    name: str
    bucket: LeakyBucket
    currency: str = "USD"
    plan: str = "Development"
    installed: bool = False
    scopes: list[str] = field(default_factory=list)
    subscriptions: list[dict[str, Any]] = field(default_factory=list)
    video_limit: int | None = None  # hosted videos allowed (Basic 250, Shopify 1000, ...); None = no limit
    products: dict[int, Product] = field(default_factory=dict)
    media: dict[str, Media] = field(default_factory=dict)

    def product(self, gid: object) -> Product | None:
        if not isinstance(gid, str) or not gid.startswith("gid://shopify/Product/"):
            return None
        number = gid.rsplit("/", 1)[1]
        return self.products.get(int(number)) if number.isdigit() else None


@dataclass
class Token:
    shop: str
    expires_at: float | None = None


def iso(ts: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


class Store:
    def __init__(
        self,
        *,
        base_url: str,
        clock: Callable[[], float] | None = None,
        bucket_max: float = 1000.0,
        restore_rate: float = 50.0,
        processing_polls: int = 2,
        token_ttl_s: int = 3600,
        refresh_ttl_s: int = 30 * 24 * 3600,
    ) -> None:
        self.lock = threading.RLock()
        self.base_url = base_url
        self.clock = clock or Clock()
        self.bucket_max = bucket_max
        self.restore_rate = restore_rate
        self.processing_polls = processing_polls
        self.token_ttl_s = token_ttl_s
        self.refresh_ttl_s = refresh_ttl_s
        self.shops: dict[str, EmuShop] = {}
        self.access_tokens: dict[str, Token] = {}
        self.refresh_tokens: dict[str, Token] = {}
        self.codes: dict[str, tuple[Token, list[str]]] = {}
        self.uploads: dict[str, Upload] = {}
        # Webhook deliveries waiting to be sent: (topic, shop domain, payload); see product_webhooks.py.
        self.outbox: list[tuple[str, str, dict[str, Any]]] = []
        self._ids = itertools.count(1_000_001)

    def next_id(self) -> int:
        return next(self._ids)

    # --- shops and tokens ---------------------------------------------------------------------
    def shop(self, domain: str) -> EmuShop:
        """The emulated shop, created with the sample catalogue on first use."""
        with self.lock:
            if domain not in self.shops:
                shop = EmuShop(
                    domain=domain,
                    number=self.next_id(),
                    name=domain.removesuffix(".myshopify.com").replace("-", " ").title(),
                    bucket=LeakyBucket(self.bucket_max, self.restore_rate, self.clock),
                )
                self.shops[domain] = shop
                for sample in SAMPLE_PRODUCTS:
                    self._add_sample(shop, sample)
            return self.shops[domain]

    def _add_sample(self, shop: EmuShop, sample: dict[str, Any]) -> None:
        now = iso(self.clock())
        product = Product(
            id=self.next_id(),
            title=sample["title"],
            handle=sample["handle"],
            description_html=sample["description_html"],
            vendor=sample["vendor"],
            product_type=sample["product_type"],
            tags=list(sample["tags"]),
            price=sample["price"],
            compare_at=sample.get("compare_at"),
            currency=shop.currency,
            created_at=now,
            updated_at=now,
        )
        for name, alt in sample["images"]:
            width, height = image_size(name)
            media = Media(
                id=f"gid://shopify/MediaImage/{self.next_id()}",
                kind="IMAGE",
                alt=alt,
                filename=name,
                image_url=f"{self.base_url}/cdn/shop/files/{name}",
                width=width,
                height=height,
                created_at=now,
            )
            shop.media[media.id] = media
            product.media_ids.append(media.id)
        shop.products[product.id] = product

    def issue_tokens(self, domain: str, scopes: list[str], *, expiring: bool) -> dict[str, Any]:
        """Install the app on the shop and mint an offline token (plus a refresh token when expiring)."""
        with self.lock:
            shop = self.shop(domain)
            shop.installed = True
            shop.scopes = scopes
            now = self.clock()
            access = "shpat_" + secrets.token_hex(16)
            answer: dict[str, Any] = {"access_token": access, "scope": ",".join(scopes)}
            if expiring:
                refresh = "shprt_" + secrets.token_hex(16)
                self.access_tokens[access] = Token(domain, now + self.token_ttl_s)
                self.refresh_tokens[refresh] = Token(domain, now + self.refresh_ttl_s)
                answer |= {"expires_in": self.token_ttl_s, "refresh_token": refresh,
                           "refresh_token_expires_in": self.refresh_ttl_s}
            else:
                self.access_tokens[access] = Token(domain)
            return answer

    def token_shop(self, token: str | None) -> str | None:
        with self.lock:
            found = self.access_tokens.get(token or "")
            if found is None or (found.expires_at is not None and found.expires_at <= self.clock()):
                return None
            return found.shop

    def take_refresh_token(self, token: str) -> str | None:
        """The shop of a live refresh token, which is used up (refresh tokens rotate)."""
        with self.lock:
            found = self.refresh_tokens.pop(token, None)
            if found is None or (found.expires_at is not None and found.expires_at <= self.clock()):
                return None
            return found.shop

    def uninstall(self, domain: str) -> None:
        """The merchant removed the app: every token for the shop stops working."""
        with self.lock:
            for table in (self.access_tokens, self.refresh_tokens):
                for token in [t for t, info in table.items() if info.shop == domain]:
                    del table[token]
            if domain in self.shops:
                self.shops[domain].installed = False

    def revoke_access_tokens(self, domain: str) -> None:
        with self.lock:
            for token in [t for t, info in self.access_tokens.items() if info.shop == domain]:
                del self.access_tokens[token]

    def product_changed(self, shop: EmuShop, product: Product) -> None:
        """A product was saved: it is updated now and a products/update delivery is queued (call with the lock)."""
        from devtools.shopify_emulator.product_webhooks import TOPIC, product_payload

        product.updated_at = iso(self.clock())
        self.outbox.append((TOPIC, shop.domain, product_payload(shop, product)))

    # --- media processing ---------------------------------------------------------------------
    def advance(self, media: Media) -> None:
        """One poll's worth of processing: UPLOADED -> PROCESSING -> READY | FAILED."""
        if media.status in ("READY", "FAILED"):
            return
        media.polls += 1
        if media.polls >= self.processing_polls:
            media.status = "FAILED" if media.final_errors else "READY"
            media.errors = list(media.final_errors)
        else:
            media.status = "PROCESSING"


def inspect_video(data: bytes | None) -> tuple[list[dict[str, Any]], int | None, int | None, int | None]:
    """(mediaErrors, width, height, duration_ms) for uploaded bytes, judged as Shopify's video pipeline would."""
    if not data or len(data) < 12 or data[4:8] != b"ftyp":
        return [_media_error("VIDEO_INVALID_FILETYPE_ERROR", "File type is not supported.", "not an MP4/MOV file")], None, None, None
    import av  # imported here: only the emulator needs it

    try:
        with av.open(io.BytesIO(data)) as container:
            stream = container.streams.video[0]
            width, height = stream.codec_context.width, stream.codec_context.height
            seconds = (container.duration or 0) / 1_000_000 or float((stream.duration or 0) * (stream.time_base or 0))
    except (av.FFmpegError, IndexError):
        return [_media_error("VIDEO_METADATA_READ_ERROR", "Video could not be read.", "no readable video stream")], None, None, None
    errors = []
    if seconds > MAX_VIDEO_S:
        errors.append(_media_error("VIDEO_MAX_DURATION_ERROR", "Video is longer than 10 minutes.", f"{seconds:.1f}s"))
    if max(width, height) > MAX_VIDEO_W or min(width, height) > MAX_VIDEO_H:
        errors.append(_media_error("VIDEO_MAX_WIDTH_ERROR", "Video resolution is too high.", f"{width}x{height}"))
    return errors, width, height, round(seconds * 1000)


def _media_error(code: str, message: str, details: str) -> dict[str, Any]:
    return {"code": code, "message": message, "details": details}
