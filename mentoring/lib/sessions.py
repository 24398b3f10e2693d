"""Sessions read from the cache, kept in the database (SESSION_ENGINE with REDIS_URL set).

Django's ``cached_db`` engine: every request reads its session from Redis instead of a row of
``django_session``, and every write goes to both, so the table stays the source of truth. The
cached copy is kept for ``CACHED_FOR_SECONDS`` at most (then read again from the table once):
a session ended while Redis was unreachable (its delete could not reach Redis, see
mentoring.lib.cache) or re-cached by a request racing the end, would otherwise come back from
Redis for the whole cookie age.

Whatever ends sessions outside a request (erasure) must delete them through the engine's
``SessionStore(key).delete()``, which clears the cached copy too, never only the table's rows.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends import cached_db

CACHED_FOR_SECONDS = 600


class _CappedCache:
    """The session cache, with every timeout set no longer than CACHED_FOR_SECONDS."""

    def __init__(self, cache) -> None:
        self._cache = cache

    def set(self, key: str, value: Any, timeout: int | None = None) -> None:
        self._cache.set(key, value, _capped(timeout))

    async def aset(self, key: str, value: Any, timeout: int | None = None) -> None:
        await self._cache.aset(key, value, _capped(timeout))

    def __contains__(self, key: str) -> bool:
        return key in self._cache

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cache, name)


def _capped(timeout: int | None) -> int:
    return CACHED_FOR_SECONDS if timeout is None else min(timeout, CACHED_FOR_SECONDS)


class SessionStore(cached_db.SessionStore):
    _cache: Any

    def __init__(self, session_key: str | None = None) -> None:
        super().__init__(session_key)
        self._cache = _CappedCache(self._cache)
