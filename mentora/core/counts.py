"""Per-person counts shown on every page (unread messages, unread notifications), kept in the cache.

Every signed-in page shows two badges; counting them costs four queries a page. `cached_count` keeps
each count in the cache (Redis in production, shared by every web process) under the person and the
organization, and the writes that change a count call `forget` — at once and again after their
transaction commits, so a reader cannot cache the old figure again from a not-yet-committed write. Entries also expire
after `TTL` seconds, which bounds what a missed invalidation (or a write made by a process with its
own local cache, in development) can show. With the cache unreachable, `get` answers nothing and
the count is computed from the database, as before (`mentora.core.cache` fails open).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.core.cache import cache
from django.db import transaction

TTL = 60  # seconds
KINDS = ("messages", "notifications")


def _key(kind: str, user_id: int, organization_id: int) -> str:
    return f"count:{kind}:{organization_id}:{user_id}"


def cached_count(kind: str, *, user_id: int, organization_id: int, compute: Callable[[], int]) -> int:
    """The count from the cache, or `compute()` stored for next time."""
    key = _key(kind, user_id, organization_id)
    value = cache.get(key)
    if value is None:
        value = int(compute())
        cache.set(key, value, TTL)
    return int(value)


def forget(kind: str, *, user_ids: Iterable[int], organization_id: int) -> None:
    """Drop the cached counts of these people now and again once the current transaction commits.

    Now: this process's next read (in the same transaction) counts afresh. After commit: a reader that
    counted before the commit cannot leave the old figure behind for long.
    """
    keys = [_key(kind, user_id, organization_id) for user_id in set(user_ids)]
    if keys:
        cache.delete_many(keys)
        transaction.on_commit(lambda: cache.delete_many(keys), robust=True)
