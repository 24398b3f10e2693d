"""A Redis cache that keeps the site answering when Redis goes away.

Django's Redis backend raises ``redis.exceptions.ConnectionError`` from every call once the
server is gone, which turns a login (allauth's rate limits live in the cache), a dashboard or any
write that bumps a cache version into a 500. This backend catches those errors, logs them once in
a while (never a key: keys can be built from what people typed) and serves the call from a
fallback cache instead, normally the database table every process shares, so rate limits still
hold across workers. After a failure it skips Redis for a few seconds rather than paying a
refused connection on every call.

    CACHES = {
        "default": {
            "BACKEND": "mentoring.lib.cache.FailSafeRedisCache",
            "LOCATION": REDIS_URL,
            "FALLBACK": "database",   # another alias in CACHES; omitted: behave as a miss
        },
        "database": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", ...},
    }
"""

from __future__ import annotations

import base64
import logging
import pickle
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.redis import RedisCache
from django.db import connections, router

log = logging.getLogger("twoway.cache")

# How long to leave Redis alone after it failed, and how often to say so in the log.
RETRY_AFTER_SECONDS = 5.0
LOG_EVERY_SECONDS = 60.0

_state = {"down_until": 0.0, "logged_at": 0.0}


def _outage_errors() -> tuple[type[BaseException], ...]:
    import redis

    return (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)


def redis_is_resting() -> bool:
    """True while this process skips Redis after a recent failure."""
    return time.monotonic() < _state["down_until"]


def _note_outage(operation: str, exc: BaseException) -> None:
    now = time.monotonic()
    _state["down_until"] = now + RETRY_AFTER_SECONDS
    if now - _state["logged_at"] >= LOG_EVERY_SECONDS:
        _state["logged_at"] = now
        log.warning(
            "cache server unreachable (%s during %s); serving from the fallback cache",
            type(exc).__name__,
            operation,
        )


class FailSafeRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        params = dict(params)
        self._fallback_alias: str | None = params.pop("FALLBACK", None)
        # A black-holed server must not hold a request for the OS's connect timeout.
        options = dict(params.get("OPTIONS") or {})
        options.setdefault("socket_connect_timeout", 0.5)
        options.setdefault("socket_timeout", 1.0)
        params["OPTIONS"] = options
        super().__init__(server, params)

    @property
    def fallback(self):
        if self._fallback_alias:
            return caches[self._fallback_alias]
        return DummyCache("", {})

    def _guarded(self, operation: str, call: Callable[[], Any], on_outage: Callable[[], Any]):
        if redis_is_resting():
            return on_outage()
        try:
            return call()
        except _outage_errors() as exc:
            _note_outage(operation, exc)
            return on_outage()

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(
            "add",
            lambda: super(FailSafeRedisCache, self).add(key, value, timeout, version),
            lambda: self.fallback.add(key, value, timeout, version),
        )

    def get(self, key, default=None, version=None):
        return self._guarded(
            "get",
            lambda: super(FailSafeRedisCache, self).get(key, default, version),
            lambda: self.fallback.get(key, default, version),
        )

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(
            "set",
            lambda: super(FailSafeRedisCache, self).set(key, value, timeout, version),
            lambda: self.fallback.set(key, value, timeout, version),
        )

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(
            "touch",
            lambda: super(FailSafeRedisCache, self).touch(key, timeout, version),
            lambda: self.fallback.touch(key, timeout, version),
        )

    def delete(self, key, version=None):
        return self._guarded(
            "delete",
            lambda: super(FailSafeRedisCache, self).delete(key, version),
            lambda: self.fallback.delete(key, version),
        )

    def get_many(self, keys, version=None):
        keys = list(keys)
        return self._guarded(
            "get_many",
            lambda: super(FailSafeRedisCache, self).get_many(keys, version),
            lambda: self.fallback.get_many(keys, version),
        )

    def has_key(self, key, version=None):
        return self._guarded(
            "has_key",
            lambda: super(FailSafeRedisCache, self).has_key(key, version),
            lambda: self.fallback.has_key(key, version),
        )

    def incr(self, key, delta=1, version=None):
        return self._guarded(
            "incr",
            lambda: super(FailSafeRedisCache, self).incr(key, delta, version),
            lambda: self.fallback.incr(key, delta, version),
        )

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(
            "set_many",
            lambda: super(FailSafeRedisCache, self).set_many(data, timeout, version),
            lambda: self.fallback.set_many(data, timeout, version),
        )

    def delete_many(self, keys, version=None):
        keys = list(keys)
        return self._guarded(
            "delete_many",
            lambda: super(FailSafeRedisCache, self).delete_many(keys, version),
            lambda: self.fallback.delete_many(keys, version),
        )

    def clear(self):
        # Clear both: keys written to the fallback during an outage must not outlive a clear.
        self.fallback.clear()
        return self._guarded("clear", super().clear, lambda: True)


class UpsertDatabaseCache(DatabaseCache):
    """Django's database cache, writing a value in one statement (INSERT ... ON CONFLICT DO
    UPDATE, which PostgreSQL and SQLite both run) where Django's takes five (a count of the
    table for culling, a savepoint, a read of the key, the write, the release). The table is
    counted and culled on one write in CULL_EVERY of this process instead of on every one: it
    may hold a few dozen entries past MAX_ENTRIES for a while. ``add`` and ``touch`` stay
    Django's own."""

    CULL_EVERY = 50

    def __init__(self, table: str, params: dict[str, Any]) -> None:
        super().__init__(table, params)
        self._table_name = table
        self._writes = 0

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> None:
        self.set_many({key: value}, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None) -> list:
        """Every value in one statement (Django's writes them one by one)."""
        if not data:
            return []
        self._writes += 1
        if self._writes % self.CULL_EVERY == 1:  # the first write, then every CULL_EVERY-th
            for key, value in data.items():
                super().set(key, value, timeout, version)
            return []
        backend_timeout = self.get_backend_timeout(timeout)
        expires = (
            datetime.max
            if backend_timeout is None
            else datetime.fromtimestamp(backend_timeout, tz=UTC if settings.USE_TZ else None)
        ).replace(microsecond=0)
        connection = connections[router.db_for_write(self.cache_model_class)]
        when = connection.ops.adapt_datetimefield_value(expires)
        params: list = []
        for key, value in data.items():
            encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
            params += [self.make_and_validate_key(key, version=version), encoded, when]
        quote = connection.ops.quote_name
        rows = ", ".join(["(%s, %s, %s)"] * len(data))
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {quote(self._table_name)} "  # noqa: S608 (the table's name)
                f"({quote('cache_key')}, {quote('value')}, {quote('expires')}) "
                f"VALUES {rows} ON CONFLICT ({quote('cache_key')}) DO UPDATE "
                f"SET {quote('value')} = excluded.{quote('value')}, "
                f"{quote('expires')} = excluded.{quote('expires')}",
                params,
            )
        return []
