"""The jobs' error types: a code for the UI, a message in plain words for the merchant, and whether trying
again can help. `as_job_error` maps the errors of the parts a job uses (Shopify, downloads, composer,
renderer) onto these."""

from __future__ import annotations

import re

from django.db import OperationalError

from shopify_app.admin_api.errors import (
    NotFoundError,
    ShopifyError,
    ShopifyUnavailableError,
    ShopifyUserError,
    ShopUninstalledError,
    ThrottledError,
)
from videos.backends.base import RenderError
from videos.composer.errors import ComposeError

PLAIN_INTERNAL = "Something went wrong on our side while making this video. Try again; if it keeps failing, contact support."


_PATH = re.compile(r"(?:/[^\s/:]+)+/([^\s/:]+)")


def plain_paths(text: str) -> str:
    """Server paths in a message cut down to the file's name (the merchant knows the photo, not our disk)."""
    return _PATH.sub(lambda m: m.group(1), text)


class JobError(Exception):
    def __init__(self, code: str, message: str, *, retryable: bool = False) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.retryable = retryable


class StopJob(BaseException):  # noqa: N818
    """Stop working on a job now. A BaseException, like KeyboardInterrupt, so that it passes through code
    that wraps every `Exception` (the renderer turns those into RenderError) when raised from a callback."""


class JobCancelled(StopJob):
    """The job was cancelled (or failed by someone else, e.g. the uninstall webhook) while running."""


class LeaseLost(StopJob):
    """Another worker holds the job now (our lease expired); stop without touching it."""


class WaitingOnShopify(StopJob):
    """The new video is on the product and Shopify is still processing it: the worker parks the job
    (videos/jobs/waiting.py) and looks again in `look_in_s` seconds instead of waiting beside it."""

    def __init__(self, look_in_s: float) -> None:
        super().__init__(f"look again in {look_in_s:.1f}s")
        self.look_in_s = look_in_s


class ServiceError(Exception):
    """A request the API refuses: `code` (e.g. "no_credits"), plain `message`, HTTP `status`; `extra` adds
    keys to the error body (e.g. the running job's id)."""

    def __init__(self, code: str, message: str, *, status: int = 400, fields: dict | None = None,
                 extra: dict | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.fields = fields
        self.extra = extra or {}


def as_job_error(exc: BaseException, *, stage: str) -> JobError:
    """The merchant-facing error for anything a stage raised."""
    if isinstance(exc, JobError):
        return exc
    if isinstance(exc, OperationalError):  # e.g. SQLite busy past its timeout: the stage can simply run again
        return JobError("database_busy", "The database was too busy to record progress. Try again.", retryable=True)
    if isinstance(exc, ShopUninstalledError):
        return JobError("shop_uninstalled", "Showreel no longer has access to this store (the app was uninstalled "
                        "or its access was revoked), so the video was not finished.")
    if isinstance(exc, NotFoundError):
        if stage == "processing":
            return JobError("media_missing", "The new video disappeared from Shopify while it was being processed "
                            "(was the product or the video deleted?).")
        if stage in ("fetching", "attaching", "uploading"):
            return JobError("product_not_found", "This product no longer exists in your store (it may have been deleted).")
        return JobError("shopify_not_found", f"Shopify could not find something the video needs: {exc.message}")
    if isinstance(exc, ShopifyUserError) and exc.media_errors:
        reasons = "; ".join((e.get("message") or e.get("code") or "").rstrip(".") for e in exc.media_errors
                            if isinstance(e, dict))
        return JobError("media_failed", f"Shopify could not process the video: {reasons or 'no reason given'}.")
    if isinstance(exc, ShopifyUserError):
        reasons = "; ".join(e.get("message", "") for e in exc.user_errors if isinstance(e, dict)) or exc.message
        return JobError("shopify_refused", f"Shopify refused the video: {reasons}")
    if isinstance(exc, ThrottledError | ShopifyUnavailableError):
        return JobError("shopify_unavailable", "Shopify was busy or did not answer in time. Try again in a few minutes.",
                        retryable=True)
    if isinstance(exc, ShopifyError):
        # Plain words only: Shopify's raw answers (JSON, storage XML) stay in the logs.
        if exc.code == "UPLOAD_REFUSED":
            return JobError("upload_refused", f"Shopify's file storage refused the video upload (HTTP {exc.status}). "
                            "Try again; if it keeps failing, contact support.", retryable=exc.retryable)
        if exc.status == 402:
            return JobError("shop_frozen", "Shopify reports this store as frozen (unpaid), so it cannot take new media.")
        if exc.status == 423:
            return JobError("shopify_refused", "Shopify reports this store as locked, so it cannot take new media.")
        if exc.status == 403 or exc.code == "ACCESS_DENIED":
            return JobError("shopify_refused", "Shopify refused the request: the app may be missing a permission. "
                            "Open the app again to review its access.")
        return JobError("shopify_error", f"Shopify answered with an error: {exc.message}", retryable=exc.retryable)
    if isinstance(exc, ComposeError):
        if exc.field == "product.media":
            return JobError("no_media", "This product has no photos or videos to make a video from. Add a photo in "
                            "Shopify and try again.")
        if exc.field.startswith(("product.images", "product.media", "product.videos")):
            return JobError("media_unreadable", f"One of the product's photos or clips could not be used: "
                            f"{plain_paths(exc.message)}.")
        return JobError("compose_failed", f"The video could not be planned: {plain_paths(str(exc))}")
    if isinstance(exc, RenderError):
        if exc.code == "bad_media":
            return JobError("media_unreadable", f"One of the product's photos or clips could not be read: "
                            f"{plain_paths(exc.message)}")
        return JobError("render_failed", f"The video could not be made: {plain_paths(exc.message)}", retryable=exc.retryable)
    return JobError("internal_error", PLAIN_INTERNAL)
