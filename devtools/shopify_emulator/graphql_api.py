"""The emulator's Admin GraphQL endpoint: validate against the real 2026-07 schema, charge the cost bucket,
then execute with graphql-core's executor over plain dicts (resolvers below build Shopify-shaped objects).

Only the root fields in IMPLEMENTED are served; any other valid document gets a clear error.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import uuid
from typing import Any

from graphql import GraphQLError, OperationDefinitionNode, execute, get_operation_ast, parse

from devtools.shopify_emulator.cost import query_cost
from devtools.shopify_emulator.state import EmuShop, Media, Product, Store, Upload, inspect_video, iso
from shopify_app.admin_api.documents import admin_schema, validate_document

IMPLEMENTED = frozenset({
    "product", "products", "node", "nodes", "shop", "currentAppInstallation",
    "stagedUploadsCreate", "productUpdate", "productDeleteMedia", "fileDelete",
})
MAX_MEDIA_PER_PRODUCT = 250
MAX_UPLOAD_BYTES = 1024**3


def _errors(*messages: str, code: str | None = None) -> dict[str, Any]:
    return {"errors": [{"message": m, **({"extensions": {"code": code}} if code else {})} for m in messages]}


def handle_graphql(store: Store, shop: EmuShop, body: dict[str, Any], *, signing_key: bytes, drained: bool = False) -> dict[str, Any]:
    """The JSON answer for one request (always HTTP 200, as Shopify answers GraphQL-level errors)."""
    query = body.get("query")
    variables = body.get("variables") or {}
    if not isinstance(query, str) or not isinstance(variables, dict):
        return _errors("Parameter Missing or Invalid: query must be a string and variables an object")
    try:
        document = parse(query)
    except GraphQLError as exc:
        return {"errors": [exc.formatted]}
    invalid = validate_document(document)
    if invalid:
        return {"errors": [e.formatted for e in invalid]}
    operation = get_operation_ast(document, body.get("operationName"))
    if not isinstance(operation, OperationDefinitionNode):
        return _errors("Could not determine which operation to run")
    fragments = {d.name.value: d for d in document.definitions if d.kind == "fragment_definition"}
    cost = query_cost(admin_schema(), operation, fragments, variables)
    with store.lock:
        bucket = shop.bucket
        if cost > bucket.maximum:
            return {"errors": [{"message": f"Query cost is {cost}, which exceeds the single query max cost limit ({bucket.maximum:g}).",
                                "extensions": {"code": "MAX_COST_EXCEEDED", "cost": cost, "maxCost": bucket.maximum}}]}
        if drained:
            bucket.drain()
        if not bucket.take(cost):
            return {
                "errors": [{"message": "Throttled", "extensions": {"code": "THROTTLED", "documentation": "https://shopify.dev/api/usage/rate-limits"}}],
                "extensions": {"cost": {"requestedQueryCost": cost, "actualQueryCost": None, "throttleStatus": bucket.status()}},
            }
        missing = [s.name.value for s in operation.selection_set.selections
                   if getattr(s, "name", None) and not s.name.value.startswith("__") and s.name.value not in IMPLEMENTED]
        if missing:
            return _errors(f"The Shopify emulator does not implement {', '.join(missing)}", code="NOT_IMPLEMENTED")
        result = execute(admin_schema(), document, root_value=Root(store, shop, signing_key),
                         variable_values=variables, operation_name=body.get("operationName"))
        answer: dict[str, Any] = {"data": result.data}
        if result.errors:
            answer["errors"] = [e.formatted for e in result.errors]
        answer["extensions"] = {"cost": {"requestedQueryCost": cost, "actualQueryCost": cost, "throttleStatus": bucket.status()}}
        return answer


def _cursor(kind: str, value: Any) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{value}".encode()).decode()


def connection(items: list[dict], kind: str, *, first=None, after=None, last=None, before=None, reverse=False, **_: Any) -> dict:
    """A Relay connection over `items`, as Shopify paginates (first/after, last/before)."""
    if first is None and last is None:
        raise GraphQLError("you must provide one of first or last")
    if (first is not None and first < 0) or (last is not None and last < 0) or (first or 0) > 250 or (last or 0) > 250:
        raise GraphQLError("first and last must be between 0 and 250")
    items = list(reversed(items)) if reverse else list(items)
    cursors = [_cursor(kind, item["id"]) for item in items]
    start, end = 0, len(items)
    for marker, is_after in ((after, True), (before, False)):
        if marker is not None:
            if marker not in cursors:
                raise GraphQLError(f"Invalid cursor {marker!r}")
            if is_after:
                start = cursors.index(marker) + 1
            else:
                end = cursors.index(marker)
    window = list(range(start, max(start, end)))
    if first is not None:
        window = window[:first]
    if last is not None:
        window = window[-last:] if last else []
    return {
        "edges": [{"cursor": cursors[i], "node": items[i]} for i in window],
        "nodes": [items[i] for i in window],
        "pageInfo": {
            "hasNextPage": bool(window) and window[-1] < len(items) - 1,
            "hasPreviousPage": bool(window) and window[0] > 0,
            "startCursor": cursors[window[0]] if window else None,
            "endCursor": cursors[window[-1]] if window else None,
        },
    }


def _money(amount: str | None, currency: str) -> dict | None:
    return {"amount": amount, "currencyCode": currency} if amount is not None else None


def _matches(product: Product, query: str | None) -> bool:
    """A small part of Shopify's search syntax: `field:value` (title, vendor, tag, status, product_type) and
    bare words matched against title, vendor and tags; `*` wildcards are ignored."""
    if not query:
        return True
    fields = {
        "title": [product.title], "vendor": [product.vendor], "tag": product.tags, "tags": product.tags,
        "status": [product.status], "product_type": [product.product_type], "id": [str(product.id)],
    }
    for term in re.findall(r'(\w+:"[^"]*"|\w+:\S+|"[^"]*"|\S+)', query):
        name, _, value = term.partition(":") if re.match(r"^\w+:", term) else ("", "", term)
        value = value.strip('"').replace("*", "").lower()
        haystack = fields.get(name.lower(), []) if name else [product.title, product.vendor, *product.tags]
        if value and not any(value in h.lower() for h in haystack):
            return False
    return True


class Root:
    """Root query and mutation fields; graphql-core calls these as `field(info, **arguments)`."""

    def __init__(self, store: Store, shop: EmuShop, signing_key: bytes) -> None:
        self._store = store
        self._shop = shop
        self._signing_key = signing_key
        self._seen: set[str] = set()  # media advanced by this request (one processing step per poll)

    # --- views ----------------------------------------------------------------------------------
    def _media_view(self, media: Media) -> dict[str, Any]:
        if media.id not in self._seen:  # each request that reads a media item is one "poll"
            self._seen.add(media.id)
            self._store.advance(media)
        image = None
        if media.kind == "IMAGE":
            image = {"id": media.id.replace("MediaImage", "ImageSource"), "url": lambda info, **_: media.image_url,
                     "altText": media.alt, "width": media.width, "height": media.height,
                     "src": media.image_url, "originalSrc": media.image_url}
        view: dict[str, Any] = {
            "__typename": "MediaImage" if media.kind == "IMAGE" else "Video",
            "id": media.id, "alt": media.alt, "mediaContentType": media.kind, "status": media.status,
            "mediaErrors": media.errors, "mediaWarnings": [],
            "preview": {"status": "READY", "image": image} if image else {"status": "PROCESSING" if media.status != "READY" else "READY", "image": None},
            "createdAt": media.created_at, "updatedAt": media.created_at,
            "fileStatus": lambda info: {"READY": "READY", "FAILED": "FAILED"}.get(media.status, "PROCESSING"),
            "fileErrors": [],
        }
        if media.kind == "IMAGE":
            view |= {"image": image, "mimeType": "image/png" if media.filename.endswith(".png") else "image/jpeg"}
        else:
            source = {"url": f"{self._store.base_url}/cdn/shop/videos/{media.number}.mp4", "mimeType": "video/mp4",
                      "format": "mp4", "width": media.width or 0, "height": media.height or 0,
                      "fileSize": len(media.data or b"")}
            view |= {"filename": media.filename, "duration": lambda info: media.duration_ms if media.status == "READY" else None,
                     "sources": lambda info: [source] if media.status == "READY" else [],
                     "originalSource": lambda info: source if media.status == "READY" else None}
        return view

    def _product_view(self, product: Product) -> dict[str, Any]:
        shop = self._shop
        medias = [shop.media[m] for m in product.media_ids if m in shop.media]
        text = re.sub(r"<[^>]+>", "", product.description_html).strip()
        compare = product.compare_at or "0.0"
        return {
            "__typename": "Product", "id": product.gid, "legacyResourceId": str(product.id),
            "title": product.title, "handle": product.handle, "vendor": product.vendor,
            "productType": product.product_type, "tags": product.tags, "status": product.status,
            "descriptionHtml": product.description_html,
            "description": lambda info, truncateAt=None: text[:truncateAt] if truncateAt else text,
            "createdAt": product.created_at, "updatedAt": product.updated_at, "onlineStoreUrl": None,
            "totalInventory": product.inventory, "hasOnlyDefaultVariant": True,
            "priceRangeV2": {"minVariantPrice": _money(product.price, product.currency),
                             "maxVariantPrice": _money(product.price, product.currency)},
            "compareAtPriceRange": {"minVariantCompareAtPrice": _money(compare, product.currency),
                                    "maxVariantCompareAtPrice": _money(compare, product.currency)},
            "featuredMedia": lambda info: self._media_view(medias[0]) if medias else None,
            "media": lambda info, **args: connection([self._media_view(m) for m in medias], "media", **args),
            "mediaCount": lambda info, **args: {"count": len(medias), "precision": "EXACT"},
        }

    # --- queries --------------------------------------------------------------------------------
    def product(self, info, id: str) -> dict | None:  # noqa: A002 (GraphQL argument name)
        found = self._shop.product(id)
        return self._product_view(found) if found else None

    def products(self, info, sortKey: str = "ID", query: str | None = None, **args: Any) -> dict:  # noqa: N803
        key = {"TITLE": lambda p: p.title.lower(), "VENDOR": lambda p: p.vendor.lower(),
               "CREATED_AT": lambda p: p.created_at, "UPDATED_AT": lambda p: p.updated_at}.get(sortKey, lambda p: p.id)
        chosen = sorted((p for p in self._shop.products.values() if _matches(p, query)), key=key)
        return connection([self._product_view(p) for p in chosen], "product", **args)

    def node(self, info, id: str) -> dict | None:  # noqa: A002
        if id in self._shop.media:
            return self._media_view(self._shop.media[id])
        product = self._shop.product(id)
        return self._product_view(product) if product else None

    def nodes(self, info, ids: list[str]) -> list[dict | None]:
        return [self.node(info, i) for i in ids]

    def shop(self, info) -> dict:
        shop = self._shop
        return {
            "__typename": "Shop", "id": f"gid://shopify/Shop/{shop.number}", "name": shop.name,
            "myshopifyDomain": shop.domain, "currencyCode": shop.currency, "email": f"owner@{shop.domain}",
            "plan": {"publicDisplayName": shop.plan, "displayName": shop.plan,
                     "partnerDevelopment": shop.plan == "Development", "shopifyPlus": shop.plan == "Plus"},
        }

    def currentAppInstallation(self, info) -> dict:  # noqa: N802
        return {"id": f"gid://shopify/AppInstallation/{self._shop.number}",
                "activeSubscriptions": self._shop.subscriptions,
                "accessScopes": [{"handle": s, "description": s} for s in self._shop.scopes]}

    # --- mutations ------------------------------------------------------------------------------
    def stagedUploadsCreate(self, info, input: list[dict]) -> dict:  # noqa: N802, A002
        targets, errors = [], []
        for index, item in enumerate(input):
            resource, size = item["resource"], item.get("fileSize")
            where = ["input", str(index)]
            if resource not in ("VIDEO", "IMAGE", "FILE"):
                errors.append({"field": [*where, "resource"], "message": f"The emulator does not stage {resource} uploads"})
                continue
            if resource == "VIDEO" and size is None:
                errors.append({"field": [*where, "fileSize"], "message": "File size is required for video uploads"})
                continue
            if size is not None and not (str(size).isdigit() and 0 < int(size) <= MAX_UPLOAD_BYTES):
                errors.append({"field": [*where, "fileSize"], "message": "File size must be between 1 byte and 1 GB"})
                continue
            if resource == "VIDEO" and not item["mimeType"].startswith("video/"):
                errors.append({"field": [*where, "mimeType"], "message": "Video uploads need a video/* MIME type"})
                continue
            if item.get("httpMethod", "PUT") != "POST":
                errors.append({"field": [*where, "httpMethod"], "message": "The emulator only stages POST uploads"})
                continue
            targets.append(self._stage(item, int(size) if size is not None else None))
        return {"stagedTargets": targets if not errors else None, "userErrors": errors}

    def _stage(self, item: dict, size: int | None) -> dict:
        upload_id = uuid.uuid4().hex
        expires = self._store.clock() + 3600
        key = f"uploads/{self._shop.number}/{upload_id}/{item['filename']}"
        policy = base64.b64encode(json.dumps(
            {"expiration": iso(expires), "conditions": [{"key": key}, ["content-length-range", size, size] if size else {}]}
        ).encode()).decode()
        signature = hmac.new(self._signing_key, policy.encode(), hashlib.sha256).hexdigest()
        parameters = [("Content-Type", item["mimeType"]), ("success_action_status", "201"), ("acl", "private"),
                      ("key", key), ("x-goog-date", iso(self._store.clock())), ("x-goog-credential", "emulator@showreel"),
                      ("x-goog-algorithm", "GOOG4-HMAC-SHA256"), ("policy", policy), ("x-goog-signature", signature)]
        self._store.uploads[upload_id] = Upload(upload_id, self._shop.domain, key, item["filename"], item["mimeType"],
                                                item["resource"], size, parameters, expires)
        base = self._store.base_url
        return {"url": f"{base}/staged-uploads/{item['resource'].lower()}",
                "resourceUrl": f"{base}/staged-uploads/{item['resource'].lower()}?upload_id={upload_id}",
                "parameters": [{"name": n, "value": v} for n, v in parameters]}

    def productUpdate(self, info, product: dict | None = None, media: list[dict] | None = None, **_: Any) -> dict:  # noqa: N802
        found = self._shop.product((product or {}).get("id"))
        if found is None:
            return {"product": None, "userErrors": [{"field": ["product", "id"], "message": "Product does not exist"}]}
        for name, attr in (("title", "title"), ("vendor", "vendor"), ("descriptionHtml", "description_html"),
                           ("productType", "product_type"), ("tags", "tags"), ("status", "status")):
            if (product or {}).get(name) is not None:
                setattr(found, attr, product[name])
        media = media or []
        if len(found.media_ids) + len(media) > MAX_MEDIA_PER_PRODUCT:
            return {"product": None, "userErrors": [{"field": ["media"], "message": "Exceeded the limit of media per product"}]}
        errors = []
        for index, item in enumerate(media):
            if item["mediaContentType"] not in ("VIDEO", "IMAGE"):
                errors.append({"field": ["media", str(index), "mediaContentType"], "message": "The emulator supports IMAGE and VIDEO media"})
        if errors:
            return {"product": None, "userErrors": errors}
        for item in media:
            created = self._create_media(item)
            self._seen.add(created.id)  # a new item is UPLOADED in this answer; polls move it on
            found.media_ids.append(created.id)
        self._store.product_changed(self._shop, found)  # products/update, for this app's own media too
        return {"product": self._product_view(found), "userErrors": []}

    def _create_media(self, item: dict) -> Media:
        source, kind, now = item["originalSource"], item["mediaContentType"], iso(self._store.clock())
        upload = None
        match = re.search(r"[?&]upload_id=([0-9a-f]{32})", source)
        if match and source.startswith(self._store.base_url):
            upload = self._store.uploads.get(match.group(1))
            if upload is not None and upload.shop != self._shop.domain:
                upload = None  # another shop's upload is invisible here
        if kind == "IMAGE":
            media = Media(id=f"gid://shopify/MediaImage/{self._store.next_id()}", kind="IMAGE", alt=item.get("alt") or "",
                          filename=upload.filename if upload else source.rsplit("/", 1)[-1], status="UPLOADED",
                          image_url=source, created_at=now)
        else:
            media = Media(id=f"gid://shopify/Video/{self._store.next_id()}", kind="VIDEO", alt=item.get("alt") or "",
                          filename=upload.filename if upload else "video.mp4", status="UPLOADED", created_at=now)
            if upload is None or upload.data is None:
                media.final_errors = [{"code": "INVALID_SIGNED_URL", "message": "The staged upload has no file.",
                                       "details": "upload the file to the staged target before attaching it"}]
            else:
                media.data = upload.data
                media.final_errors, media.width, media.height, media.duration_ms = inspect_video(upload.data)
                videos = sum(1 for m in self._shop.media.values() if m.kind == "VIDEO")
                if self._shop.video_limit is not None and videos >= self._shop.video_limit:
                    media.final_errors = [{"code": "FILE_STORAGE_LIMIT_EXCEEDED", "message": "The store's video limit is reached.",
                                           "details": f"{self._shop.plan} plan allows {self._shop.video_limit} videos"}]
        self._shop.media[media.id] = media
        return media

    def _delete(self, media_ids: list[str]) -> None:
        changed: dict[int, Product] = {}
        for media_id in media_ids:
            self._shop.media.pop(media_id, None)
            for product in self._shop.products.values():
                if media_id in product.media_ids:
                    product.media_ids.remove(media_id)
                    changed[product.id] = product
        for product in changed.values():
            self._store.product_changed(self._shop, product)

    def productDeleteMedia(self, info, productId: str, mediaIds: list[str]) -> dict:  # noqa: N802, N803
        product = self._shop.product(productId)
        if product is None:
            error = {"code": "PRODUCT_DOES_NOT_EXIST", "field": ["productId"], "message": "Product does not exist"}
            return {"deletedMediaIds": None, "deletedProductImageIds": None, "product": None, "mediaUserErrors": [error], "userErrors": [error]}
        unknown = [m for m in mediaIds if m not in product.media_ids]
        if unknown:
            error = {"code": "MEDIA_DOES_NOT_EXIST_ON_PRODUCT", "field": ["mediaIds"], "message": f"Media {unknown[0]} does not exist on the product"}
            return {"deletedMediaIds": None, "deletedProductImageIds": None, "product": None, "mediaUserErrors": [error], "userErrors": [error]}
        self._delete(mediaIds)
        return {"deletedMediaIds": mediaIds, "deletedProductImageIds": [], "product": self._product_view(product),
                "mediaUserErrors": [], "userErrors": []}

    def fileDelete(self, info, fileIds: list[str]) -> dict:  # noqa: N802, N803
        unknown = [f for f in fileIds if f not in self._shop.media]
        if unknown:
            return {"deletedFileIds": None, "userErrors": [
                {"field": ["fileIds"], "message": f"File id {unknown[0]} does not exist.", "code": "FILE_DOES_NOT_EXIST"}]}
        self._delete(fileIds)
        return {"deletedFileIds": fileIds, "userErrors": []}
