"""Every API error as `{"error": {"code", "message", "retryable"?, "fields"?}}` with a 4xx status (503 only
when Shopify itself is unavailable and a retry may help). `api_exception_handler` answers for the API's views,
`videos.api.middleware` for everything else under /api/ (Django's own 400/404/413, the plain file views)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from shopify_app.admin_api.errors import NotFoundError, ShopifyError, ShopUninstalledError
from videos.jobs.errors import ServiceError

CODES = {
    400: "invalid",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "too_large",
    415: "unsupported_media_type",
    429: "too_many_requests",
}
TOO_LARGE = "The request is too large."
TOO_DEEP = "The request is nested too deeply to read."


class PayloadTooLarge(exceptions.APIException):
    status_code = 413
    default_detail = TOO_LARGE
    default_code = "too_large"


def error_body(code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, **{k: v for k, v in extra.items() if v is not None}}}


def _first_message(detail: Any, prefix: str = "") -> str:
    if isinstance(detail, dict):
        for key, value in detail.items():
            label = "" if key == "non_field_errors" else str(key).replace("_", " ")
            return _first_message(value, f"{prefix}{label}: " if label else prefix)
    if isinstance(detail, list) and detail:
        return _first_message(detail[0], prefix)
    return f"{prefix}{detail}"


def request_error(exc: Exception) -> tuple[int, dict[str, Any]] | None:
    """Status and body for what Django or Python raise on a hostile request body, None for anything else."""
    if isinstance(exc, RequestDataTooBig | TooManyFieldsSent):
        return 413, error_body("too_large", TOO_LARGE)
    if isinstance(exc, RecursionError):
        return 400, error_body("invalid", TOO_DEEP)
    if isinstance(exc, SuspiciousOperation):
        return 400, error_body("invalid", "The request could not be read.")
    return None


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    known = request_error(exc)
    if known is not None:
        return Response(known[1], status=known[0])
    if isinstance(exc, ServiceError):
        return Response(error_body(exc.code, exc.message, fields=exc.fields, **getattr(exc, "extra", {})),
                        status=exc.status)
    if isinstance(exc, NotFoundError):
        return Response(error_body("not_found", "That product no longer exists in your store."), status=404)
    if isinstance(exc, ShopUninstalledError):
        return Response(error_body("unauthorized", "Showreel has lost access to this store. Open it again from "
                                   "your Shopify admin."), status=401)
    if isinstance(exc, ShopifyError):
        if exc.retryable:
            return Response(error_body("shopify_unavailable", "Shopify is not answering right now. Try again in a "
                                       "moment.", retryable=True), status=503)
        return Response(error_body("shopify_refused", f"Shopify refused the request: {exc.message}"), status=400)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    code = CODES.get(response.status_code, "error")
    if isinstance(exc, exceptions.ValidationError):
        response.data = error_body("invalid", _first_message(exc.detail), fields=exc.detail)
        return response
    if response.status_code == status.HTTP_404_NOT_FOUND:
        message = "This item does not exist (or belongs to another store)."
    elif isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        message = "Your session has expired or is invalid. Reload the page to continue."
    else:
        message = _first_message(getattr(exc, "detail", "")) or "The request was refused."
    response.data = error_body(code, message)
    return response
