"""Request-wide behaviour: the viewer's time zone."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone


class TimezoneMiddleware:
    """Reset to UTC per request; org views activate the viewer's profile zone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        timezone.deactivate()
        response = self.get_response(request)
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            "script-src 'self'; connect-src 'self'; media-src 'self' blob: mediastream:; frame-ancestors 'none'; "
            "form-action 'self'; base-uri 'self'; object-src 'none'",
        )
        response.headers.setdefault("Permissions-Policy", "geolocation=(), camera=(self), microphone=(self)")
        return response
