"""Every answer under /api/ that is an error is the API's JSON error, whoever produced it.

The API's views answer in that shape themselves (videos/api/errors.py). What they never see is answered
here: Django's own 400/404/405/413 pages (an unknown route, a body over DATA_UPLOAD_MAX_MEMORY_SIZE read by
Django), the plain file views' 404s, and anything raised while reading a hostile body.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

from videos.api.errors import CODES, error_body, request_error

log = logging.getLogger(__name__)

PREFIX = "/api/"
MESSAGES = {
    404: "This item does not exist (or belongs to another store).",
    405: "This method is not allowed here.",
}


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(PREFIX)


class APIErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not _is_api(request) or response.status_code < 400 or _is_json(response):
            return response
        status = response.status_code
        message = MESSAGES.get(status) or ("The request was refused." if status < 500 else
                                           "Showreel had a problem on its side. Try again in a moment.")
        replaced = JsonResponse(error_body(CODES.get(status, "error" if status < 500 else "internal_error"), message),
                                status=status)
        if response.has_header("Allow"):
            replaced["Allow"] = response["Allow"]
        return replaced

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not _is_api(request):
            return None
        known = request_error(exception)
        if known is not None:
            return JsonResponse(known[1], status=known[0])
        return None  # Http404 and the rest: Django answers, __call__ rewrites the answer


def _is_json(response: HttpResponse) -> bool:
    return response.get("Content-Type", "").startswith("application/json")
