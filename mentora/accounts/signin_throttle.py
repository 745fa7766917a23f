"""Sign-in throttling per (account, address) with exponential backoff, and per address.

A wrong password costs nothing the first `FREE` times for one account from one IP address; each
further failure doubles the wait for that account *from that address only* (2 s, 4 s, 8 s … up
to `MAX_WAIT`). An address that fails `PER_IP` times in a window waits the window out, whatever
accounts it tries. So a stranger who types someone's email five times slows only themselves; the
owner, signing in from their own machine, is never locked out. A successful sign-in clears the
pair's record; an hour without failures forgets it.

State lives in the cache (Redis in production): it fails open, so with Redis down sign-in works
unthrottled, with a log line.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache

from mentora.core.ratelimit import Rate, hit, peek

FORGET_AFTER = 3600  # seconds without a failure before a pair's record is dropped


def _free() -> int:
    return int(getattr(settings, "MENTORA_SIGNIN_FREE_ATTEMPTS", 5))


def _max_wait() -> int:
    return int(getattr(settings, "MENTORA_SIGNIN_MAX_WAIT", 900))


def _per_ip() -> Rate:
    return Rate.parse(getattr(settings, "MENTORA_SIGNIN_PER_IP", "30/15m"))


def _pair(email: str, ip: str) -> str:
    return hashlib.sha256(f"{email.strip().lower()}|{ip}".encode()).hexdigest()[:32]


def backoff(failures: int) -> int:
    """Seconds to wait after `failures` consecutive failures (0 while within the free attempts)."""
    over = failures - _free()
    return 0 if over <= 0 else min(2 ** over, _max_wait())


def wait_for(*, email: str, ip: str, now: float | None = None) -> int:
    """Seconds before this account may be tried again from this address (0: go ahead)."""
    moment = time.time() if now is None else now
    until = float(cache.get(f"signin:wait:{_pair(email, ip)}", 0) or 0)
    return max(int(until - moment + 0.999), peek(f"signin:ip:{ip}", _per_ip(), now=moment), 0)


def failed(*, email: str, ip: str, now: float | None = None) -> int:
    """Record a failed attempt; return the wait it earned (0 if none)."""
    moment = time.time() if now is None else now
    pair = _pair(email, ip)
    counter = f"signin:failures:{pair}"
    cache.add(counter, 0, FORGET_AFTER)
    try:
        failures = cache.incr(counter)
    except ValueError:
        cache.set(counter, 1, FORGET_AFTER)
        failures = 1
    cache.touch(counter, FORGET_AFTER)
    hit(f"signin:ip:{ip}", _per_ip(), now=moment)
    wait = backoff(failures)
    if wait:
        cache.set(f"signin:wait:{pair}", moment + wait, wait + 1)
    return wait


def succeeded(*, email: str, ip: str) -> None:
    pair = _pair(email, ip)
    cache.delete_many([f"signin:failures:{pair}", f"signin:wait:{pair}"])
