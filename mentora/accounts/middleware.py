"""Sessions that end: after `MENTORA_SESSION_IDLE_HOURS` without a request (default 8) and
`MENTORA_SESSION_MAX_DAYS` after signing in (default 14), whatever the activity.

The session records when its user signed in and when it last saw them (rewritten at most once a
minute, so a busy page does not write the session on every request). An expired session is signed
out before the view runs, with a note saying why; the security log records it.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from mentora.core import security_log

SIGNED_IN_AT = "mentora_signed_in_at"
SEEN_AT = "mentora_seen_at"
TOUCH_EVERY = 60


def idle_seconds() -> int:
    return int(float(getattr(settings, "MENTORA_SESSION_IDLE_HOURS", 8)) * 3600)


def max_seconds() -> int:
    return int(float(getattr(settings, "MENTORA_SESSION_MAX_DAYS", 14)) * 86400)


def mark_signed_in(request: HttpRequest) -> None:
    now = int(time.time())
    request.session[SIGNED_IN_AT] = now
    request.session[SEEN_AT] = now


class SessionTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            self._check(request)
        return self.get_response(request)

    def _check(self, request: HttpRequest) -> None:
        now = int(time.time())
        session = request.session
        signed_in_at = session.get(SIGNED_IN_AT)
        seen_at = session.get(SEEN_AT)
        if not isinstance(signed_in_at, int) or not isinstance(seen_at, int):
            mark_signed_in(request)  # a session from before timeouts existed starts counting now
            return
        reason = ""
        if now - signed_in_at > max_seconds():
            reason = "max_age"
        elif now - seen_at > idle_seconds():
            reason = "idle"
        if reason:
            user = request.user
            logout(request)
            security_log.event("session.expired", user=user, reason=reason)
            messages.info(request, _("You were signed out after a while without activity. Please sign in again.")
                          if reason == "idle" else _("Your session has ended; please sign in again."))
            return
        if now - seen_at >= TOUCH_EVERY:
            session[SEEN_AT] = now
