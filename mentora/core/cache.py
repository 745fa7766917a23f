"""A Redis cache that fails open: with Redis down, pages keep answering instead of 500ing.

Mentora keeps nothing in the cache that it cannot lose — allauth's sign-in throttling, the
periodic jobs' "already ran this interval" marks. So when Redis cannot be reached the cache
behaves as an empty one that accepts every write: reads return the default, writes are dropped,
`add` reports success (allauth's lock around its throttle counter takes the lock, so sign-in is
let through unthrottled rather than refused), and one warning is logged per `WARN_EVERY`
seconds instead of one traceback per request. After a failure the cache does not try Redis
again for `pause_seconds` (per process), so a Redis that hangs instead of refusing costs one
socket timeout per pause, not one per cache call; then the next call tries again and, when
Redis is back, everything carries on as before.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

__all__ = ["FailOpenRedisCache"]

logger = logging.getLogger(__name__)
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)
WARN_EVERY = 30.0
T = TypeVar("T")


class FailOpenRedisCache(RedisCache):
    """Django's RedisCache; on a connection error or timeout, log a warning and carry on."""

    _last_warning = 0.0
    pause_seconds = 5.0
    _paused_until = 0.0

    def _fail_open(self, operation: str, call: Callable[[], T], fallback: T) -> T:
        if time.monotonic() < self._paused_until:
            return fallback
        try:
            return call()
        except UNREACHABLE as error:
            now = time.monotonic()
            self._paused_until = now + self.pause_seconds
            if now - FailOpenRedisCache._last_warning >= WARN_EVERY:
                FailOpenRedisCache._last_warning = now
                logger.warning("cache unreachable (%s during %s); carrying on without it", type(error).__name__,
                               operation)
            return fallback

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._fail_open("add", lambda: super(FailOpenRedisCache, self).add(key, value, timeout, version), True)

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._fail_open("get", lambda: super(FailOpenRedisCache, self).get(key, default, version), default)

    def set(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        self._fail_open("set", lambda: super(FailOpenRedisCache, self).set(key, value, timeout, version), None)

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._fail_open("touch", lambda: super(FailOpenRedisCache, self).touch(key, timeout, version), False)

    def delete(self, key: Any, version: int | None = None) -> bool:
        return self._fail_open("delete", lambda: super(FailOpenRedisCache, self).delete(key, version), False)

    def get_many(self, keys: Any, version: int | None = None) -> dict[Any, Any]:
        return self._fail_open("get_many", lambda: super(FailOpenRedisCache, self).get_many(keys, version), {})

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return self._fail_open("has_key", lambda: super(FailOpenRedisCache, self).has_key(key, version), False)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        return self._fail_open("incr", lambda: super(FailOpenRedisCache, self).incr(key, delta, version), delta)

    def set_many(self, data: dict[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> list[Any]:
        return self._fail_open("set_many", lambda: super(FailOpenRedisCache, self).set_many(data, timeout, version), [])

    def delete_many(self, keys: Any, version: int | None = None) -> None:
        self._fail_open("delete_many", lambda: super(FailOpenRedisCache, self).delete_many(keys, version), None)

    def clear(self) -> None:
        self._fail_open("clear", lambda: super(FailOpenRedisCache, self).clear(), None)
