"""Counting requests against a rate: fixed windows in the cache, shared by every web process.

`hit(key, rate)` counts one event and says how many seconds the caller must wait (0: go ahead).
`limit(action, user)` is what services call before a write people could flood (messages, mentoring
requests, invitations, uploads): it counts against `MENTORA_RATE_LIMITS[action]` per person and
raises `RateLimited` — a DomainError answered 429 with `Retry-After` by the API and the views.
The cache is Redis in production and fails open (`mentora.core.cache`): with Redis down every
event is let through, with a log line, rather than refused — a rate limit protects the service,
it must never become the outage.
"""

from __future__ import annotations

import contextvars
import functools
import math
import re
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import checks
from django.core.cache import cache
from django.utils.translation import gettext, gettext_lazy

from mentora.core import security_log
from mentora.core.errors import DomainError

__all__ = ["ACTIONS", "Rate", "RateLimited", "check_rate_settings", "hit", "limit", "peek"]

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")


@dataclass(frozen=True)
class Rate:
    """At most `count` events per `seconds`."""

    count: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> Rate:
        """"30/m", "5/15m", "100/h", "1000/d"."""
        found = _RATE.match(text)
        if found is None or int(found[1]) < 1:
            raise ValueError(f"Not a rate: {text!r} (write it like '30/m' or '5/15m').")
        return cls(int(found[1]), int(found[2] or 1) * _UNITS[found[3]])

    @classmethod
    @functools.cache
    def configured(cls, text: str) -> Rate:
        """`parse`, remembered: the configured rates are a handful of strings read on every write."""
        return cls.parse(text)

    def __str__(self) -> str:
        return f"{self.count}/{self.seconds}s"


class RateLimited(DomainError):
    """Too many events; try again in `retry_after` seconds."""

    status_code = 429

    def __init__(self, retry_after: int, message: str = "") -> None:
        self.retry_after = max(1, retry_after)
        super().__init__(message or f"Too many requests; try again in {_in_words(self.retry_after)}.")


#: What each limited action is, in the words of the refusal.
ACTIONS: dict[str, Any] = {  # lazily translated
    "message": gettext_lazy("You are sending messages faster than Mentora allows"),
    "request": gettext_lazy("You have sent as many mentoring requests as Mentora allows for now"),
    "invitation": gettext_lazy("You have sent as many invitations as Mentora allows for now"),
    "upload": gettext_lazy("You have uploaded as many files as Mentora allows for now"),
}


#: Set per request by `RateLimitMiddleware`: the waits of the refusals during the request, so the
#: response says 429 and Retry-After whatever view caught the error (a list, mutated, so a view run
#: in another thread's copy of the context still reports back).
refusals: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar("mentora_rate_refusals", default=None)


def limit(action: str, user: Any) -> None:
    """Count one `action` by `user`; raise RateLimited when it is over the configured rate."""
    text = (getattr(settings, "MENTORA_RATE_LIMITS", {}) or {}).get(action)
    if not text or getattr(user, "pk", None) is None:
        return
    wait = hit(f"{action}:{user.pk}", Rate.configured(text))
    if wait:
        security_log.event("ratelimit.refused", user=user, action=action, wait_seconds=wait)
        waits = refusals.get()
        if waits is not None:
            waits.append(wait)
        raise RateLimited(wait, gettext("%(what)s; try again in %(when)s.") % {
            "what": ACTIONS.get(action, gettext("Too many requests")), "when": _in_words(max(1, wait))})


def check_rate_settings(**_kwargs: Any) -> list[checks.CheckMessage]:
    """System check: every configured rate parses, so a typo fails at start-up, not on a write."""
    problems: list[checks.CheckMessage] = []
    for action, text in (getattr(settings, "MENTORA_RATE_LIMITS", {}) or {}).items():
        if not text:
            continue
        try:
            Rate.parse(text)
        except ValueError as error:
            problems.append(checks.Error(f"MENTORA_RATE_LIMITS[{action!r}]: {error}", id="mentora.E001",
                                         hint=f"Set MENTORA_RATE_LIMIT_{action.upper()} to a rate such as '30/m'."))
    return problems


def _in_words(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} seconds"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minutes" if minutes < 90 else f"{math.ceil(minutes / 60)} hours"


def _window(key: str, rate: Rate, now: float) -> tuple[str, int]:
    index = int(now // rate.seconds)
    left = int(rate.seconds - now % rate.seconds) or 1
    return f"rate:{key}:{rate.seconds}:{index}", left


def hit(key: str, rate: Rate, *, now: float | None = None) -> int:
    """Count one event under `key`; 0 if it fits the rate, else seconds until the window turns."""
    moment = time.time() if now is None else now
    name, left = _window(key, rate, moment)
    cache.add(name, 0, left + 1)
    try:
        count = cache.incr(name)
    except ValueError:  # expired between add and incr
        cache.set(name, 1, left + 1)
        count = 1
    return 0 if count <= rate.count else left


def peek(key: str, rate: Rate, *, now: float | None = None) -> int:
    """Like `hit` without counting: seconds to wait if the window is already full, else 0."""
    moment = time.time() if now is None else now
    name, left = _window(key, rate, moment)
    return left if int(cache.get(name, 0)) >= rate.count else 0
