"""`/healthz`: is this site able to do its work? For load balancers, docker compose and uptime
monitors, so it needs no login and says nothing an outsider could use: each check answers ok or
not, never an error text (those name hosts and users).

The outbox sweep records its time here (mentoring/celery.py connects it), so the page also says
whether the worker and beat are sending reminders, not only whether the web process is up."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

log = logging.getLogger(__name__)

LAST_SWEEP_KEY = "health:last-outbox-sweep"
SWEEP_TASK = "mentoring.outbox.tasks.send_due_messages"


def record_sweep(moment: datetime | None = None) -> None:
    """Called after every outbox sweep; a cache outage must not fail the sweep itself."""
    try:
        cache.set(LAST_SWEEP_KEY, (moment or timezone.now()).isoformat(), timeout=None)
    except Exception as exc:
        log.warning("could not record the outbox sweep time: %s", type(exc).__name__)


def last_sweep() -> datetime | None:
    value = cache.get(LAST_SWEEP_KEY)
    return datetime.fromisoformat(value) if isinstance(value, str) else None


def check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {}


def check_cache() -> dict:
    # A Redis cache that falls back to the database would pass a round trip while Redis is
    # down: ask Redis itself.
    if isinstance(cache, RedisCache):
        cache._cache.get_client(write=True).ping()
        return {}
    key = f"health:probe:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=30)
    found = cache.get(key) == "1"
    cache.delete(key)
    if not found:
        raise RuntimeError("cache did not keep a value")
    return {}


def check_broker() -> dict:
    from mentoring.celery import app

    with app.connection_for_write(connect_timeout=3) as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, timeout=3)
    return {}


def check_outbox_sweep() -> dict:
    moment = last_sweep()
    if moment is None:
        raise RuntimeError("no sweep recorded yet")
    age = (timezone.now() - moment).total_seconds()
    details = {"last": moment.isoformat(), "age_seconds": round(age)}
    if age > settings.HEALTH_SWEEP_MAX_AGE_SECONDS:
        details["ok"] = False
    return details


CHECKS: dict[str, Callable[[], dict]] = {
    "database": check_database,
    "cache": check_cache,
    "broker": check_broker,
    "outbox_sweep": check_outbox_sweep,
}


def run_checks(names: list[str] | None = None) -> dict[str, dict]:
    results: dict[str, dict] = {}
    for name in names or list(CHECKS):
        try:
            results[name] = {"ok": True, **CHECKS[name]()}
        except Exception as exc:
            log.warning("health check %s failed: %s", name, type(exc).__name__)
            results[name] = {"ok": False}
    return results


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """200 with every check when all pass, 503 otherwise (GET and HEAD only)."""
    checks = run_checks()
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "failing", "checks": checks},
        status=200 if healthy else 503,
    )
