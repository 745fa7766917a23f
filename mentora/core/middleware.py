"""Request-wide behaviour: a request id, input refused at the edge, the viewer's time zone, security headers."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.html import escape

from mentora.core import ratelimit, security_log

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; connect-src 'self'; media-src 'self' blob: mediastream:; frame-ancestors 'none'; "
    "form-action 'self'; base-uri 'self'; object-src 'none'"
)


REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestContextMiddleware:
    """Give every request an id (the proxy's `X-Request-ID` when it sent a sane one), answer it in
    `X-Request-ID`, and hold id, client address and path for the security log."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        offered = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = offered if REQUEST_ID.match(offered) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = security_log.current.set(security_log.RequestContext(
            request_id=request_id, ip=request.META.get("REMOTE_ADDR", ""), path=request.path[:300],
        ))
        try:
            response = self.get_response(request)
        finally:
            security_log.current.reset(token)
        response.headers["X-Request-ID"] = request_id
        return response


class RateLimitMiddleware:
    """A write refused by `mentora.core.ratelimit.limit` answers 429 with Retry-After, whichever view
    caught the error: a form shown again with the message (422) becomes 429; a redirect back with the
    message keeps its 302 (the browser flow) and gains the Retry-After header."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        waits: list[int] = []
        token = ratelimit.refusals.set(waits)
        try:
            response = self.get_response(request)
        finally:
            ratelimit.refusals.reset(token)
        if waits:
            response["Retry-After"] = str(max(waits))
            if response.status_code == 422:
                response.status_code = 429
                response.reason_phrase = "Too Many Requests"
        return response


class TimezoneMiddleware:
    """Reset to UTC per request; org views activate the viewer's profile zone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        timezone.deactivate()
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """Content-Security-Policy (no inline scripts) and Permissions-Policy on every response;
    `Cache-Control: no-store` on every signed-in page and every API answer (no shared machine's
    browser or proxy keeps a copy; a view that chose its own caching, such as a photo's, keeps it); a signed-in request answered 403/404 is logged as a denial
    (forbidden and missing answer the same, so both are logged)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", "geolocation=(), camera=(self), microphone=(self)")
        user = getattr(request, "user", None)
        signed_in = bool(user is not None and user.is_authenticated)
        if (signed_in or request.path.startswith("/api/")) and "Cache-Control" not in response.headers:
            patch_cache_control(response, no_store=True, private=True)
        if signed_in and response.status_code in (403, 404):
            security_log.event("access.denied", user=user, status=response.status_code, method=request.method)
        return response


# C0 control characters (and DEL). Tab, CR and LF are text in bodies; nowhere else.
CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CONTROL_IN_URL = re.compile(r"[\x00-\x1f\x7f]")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def has_control_characters(text: str) -> bool:
    """True if `text` holds a control character a body may not carry (tab, CR and LF may)."""
    return CONTROL_IN_TEXT.search(text) is not None


def _json_strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)


class InputGuardMiddleware:
    """Refuse, in one place, input the rest of the stack must never see.

    - Bodies over their cap answer 413: `MENTORA_MAX_BODY_BYTES` for JSON and forms (also
      Django's DATA_UPLOAD_MAX_MEMORY_SIZE), `MENTORA_MAX_UPLOAD_BYTES` for multipart uploads.
    - Control characters (NUL and the rest of C0) in the path, the query string, form fields and
      JSON strings answer 400. PostgreSQL refuses NUL in text, which otherwise surfaced as a 500
      from whichever field a request reached first (FIELD-NOTES.md).

    API requests get JSON (`{"detail": ...}`), pages a short plain page.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        problem = self._problem(request)
        if problem is not None:
            status, message = problem
            return refusal(request, status, message)
        return self.get_response(request)

    def _problem(self, request: HttpRequest) -> tuple[int, str] | None:
        if CONTROL_IN_URL.search(request.path) or CONTROL_IN_URL.search(request.META.get("QUERY_STRING", "")):
            return 400, "The address contains control characters (such as NUL); remove them and try again."
        if any(CONTROL_IN_URL.search(key) or CONTROL_IN_URL.search(value)
               for key, values in request.GET.lists() for value in values):
            return 400, "The address contains control characters (such as NUL); remove them and try again."
        content_type = request.META.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return 400, "The Content-Length header is not a number."
        is_upload = content_type == "multipart/form-data"
        limit = settings.MENTORA_MAX_UPLOAD_BYTES if is_upload else settings.MENTORA_MAX_BODY_BYTES
        if length > limit:
            return 413, f"The request is too large (at most {limit // 1024} KiB)."
        try:
            if content_type in FORM_TYPES and request.method in {"POST", "PUT", "PATCH", "DELETE"}:
                fields = request.POST
                if any(has_control_characters(key) or has_control_characters(value)
                       for key, values in fields.lists() for value in values):
                    return 400, "A form field contains control characters (such as NUL); remove them and try again."
            elif content_type.endswith("json"):
                body = request.body  # capped at DATA_UPLOAD_MAX_MEMORY_SIZE (413 below)
                if not body:
                    return None
                try:
                    parsed = json.loads(body)
                except ValueError:
                    return None  # not JSON: the endpoint says what is wrong with it (422)
                if any(has_control_characters(text) for text in _json_strings(parsed)):
                    return 400, "A text value contains control characters (such as NUL); remove them and try again."
        except RequestDataTooBig:
            return 413, f"The request is too large (at most {settings.MENTORA_MAX_BODY_BYTES // 1024} KiB)."
        except (TooManyFieldsSent, MultiPartParserError, UnicodeDecodeError):
            return 400, "The form data could not be read."
        return None


def refusal(request: HttpRequest, status: int, message: str) -> HttpResponse:
    """A 4xx the edge answers itself: JSON for the API, a short page otherwise."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=status)
    title = "Request too large" if status == 413 else "Bad request"
    page = (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title} · Mentora</title>'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"></head>'
            f'<body><main><h1>{title}</h1><p>{escape(message)}</p><p><a href="/">Back to Mentora</a></p></main>'
            f"</body></html>")
    return HttpResponse(page, status=status, content_type="text/html; charset=utf-8")
