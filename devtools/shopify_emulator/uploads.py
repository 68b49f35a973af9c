"""The staged-upload target: a stand-in for the signed cloud-storage POST that stagedUploadsCreate hands out.

Like the real bucket it checks the signed policy and the exact size it pins (content-length-range), answers
errors as S3/GCS-style XML, and takes the file only as the last form field
(https://shopify.dev/docs/apps/build/online-store/product-media#step-2-upload-the-asset-to-the-staged-target).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from xml.sax.saxutils import escape

from werkzeug.http import parse_options_header
from werkzeug.sansio.multipart import Data, Epilogue, Field, File, MultipartDecoder, NeedData

from devtools.shopify_emulator.state import Store


class UploadRefused(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message

    def xml(self) -> bytes:
        return (f"<?xml version='1.0' encoding='UTF-8'?><Error><Code>{escape(self.code)}</Code>"
                f"<Message>{escape(self.message)}</Message></Error>").encode()


def parse_form(content_type: str, body: bytes) -> list[tuple[str, str | None, bytes]]:
    """(name, filename, bytes) for each multipart part, in the order sent, with Werkzeug's sans-IO decoder
    (the standard library's email parser was slow enough to show in bench_pipeline's figures). Parts are taken
    as sent: Content-Transfer-Encoding is not decoded (RFC 7578 deprecates it; HTTP clients do not send it)."""
    kind, options = parse_options_header(content_type)
    if kind != "multipart/form-data" or not options.get("boundary"):
        raise UploadRefused(400, "InvalidArgument", "POST requires multipart/form-data")
    parts: list[tuple[str, str | None, bytes]] = []
    chunks: list[bytes] = []
    name, filename = "", None
    try:  # ValueError: a boundary that is not latin-1, or a body Werkzeug cannot parse (cut short included)
        decoder = MultipartDecoder(options["boundary"].encode("latin-1"))
        decoder.receive_data(body)
        decoder.receive_data(None)
        while not isinstance(event := decoder.next_event(), Epilogue):
            if isinstance(event, NeedData):  # Werkzeug raises instead once the body has ended; never loop here
                raise ValueError("the body ended early")
            if isinstance(event, Field | File):
                if not event.name:
                    raise UploadRefused(400, "InvalidArgument", "a form part has no name")
                name, filename, chunks = event.name, event.filename if isinstance(event, File) else None, []
            elif isinstance(event, Data):
                chunks.append(event.data)
                if not event.more_data:
                    parts.append((name, filename, b"".join(chunks)))
    except ValueError:
        raise UploadRefused(400, "InvalidArgument", "malformed multipart body") from None
    return parts


def accept_upload(store: Store, content_type: str, body: bytes, *, signing_key: bytes) -> tuple[int, bytes]:
    """Store the uploaded file; returns (HTTP status, XML body). Raises `UploadRefused`."""
    parts = parse_form(content_type, body)
    if not parts or parts[-1][0] != "file" or parts[-1][1] is None:
        raise UploadRefused(400, "InvalidArgument", "POST requires exactly one file upload per request, as the last form field 'file'")
    if sum(1 for name, _, _ in parts if name == "file") != 1:
        raise UploadRefused(400, "InvalidArgument", "POST requires exactly one file upload per request")
    fields = [(name, value.decode("utf-8", "replace")) for name, _, value in parts[:-1]]
    values = dict(fields)
    policy, signature = values.get("policy", ""), values.get("x-goog-signature", "")
    expected = hmac.new(signing_key, policy.encode(), hashlib.sha256).hexdigest()
    if not policy or not hmac.compare_digest(expected, signature):
        raise UploadRefused(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.")
    key = json.loads(base64.b64decode(policy))["conditions"][0]["key"]
    with store.lock:
        upload = next((u for u in store.uploads.values() if u.key == key), None)
        if upload is None or values.get("key") != key:
            raise UploadRefused(403, "AccessDenied", "Invalid according to Policy: key does not match")
        if [name for name, _ in fields] != [name for name, _ in upload.parameters] or fields != upload.parameters:
            raise UploadRefused(400, "InvalidArgument", "the form fields must be the staged target's parameters, unchanged and in order")
        if store.clock() > upload.expires_at:
            raise UploadRefused(403, "AccessDenied", "Invalid according to Policy: Policy expired.")
        data = parts[-1][2]
        if upload.size is not None and len(data) != upload.size:
            code = "EntityTooLarge" if len(data) > upload.size else "EntityTooSmall"
            raise UploadRefused(400, code, f"Your proposed upload is {len(data)} bytes; the policy allows exactly {upload.size} bytes.")
        upload.data = data
        etag = hashlib.md5(data).hexdigest()  # noqa: S324 (an ETag, as storage services compute it)
    status = int(values.get("success_action_status", "204"))
    body_xml = (f"<?xml version='1.0' encoding='UTF-8'?><PostResponse><Location>{escape(store.base_url)}/{escape(key)}</Location>"
                f"<Key>{escape(key)}</Key><ETag>\"{etag}\"</ETag></PostResponse>").encode()
    return (status if status in (200, 201, 204) else 204), body_xml
