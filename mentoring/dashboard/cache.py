"""Dashboard figures are cached per viewer scope and filters until the data behind them
changes: every write to a session, pair, enrolment, survey answer or profile bumps a version
number that is part of the cache key. Writes that bypass model signals (bulk imports, the demo
seed) call ``bump()`` themselves, and a short TTL bounds what anything else could leave stale.

The cache is an optimisation, never a dependency: any error from it is logged and the figures
are computed uncached, and a bump that fails never undoes the write that asked for it."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from datetime import date

from django.core.cache import cache
from django.db import transaction
from django.db.models import Model

from accounts.models import Profile
from mentoring.models import Cohort, Enrolment, PlanStep
from pairing.models import Pair
from sessions_log.models import FitCheck, ImpactSurvey, Pulse, SessionLog
from sessions_log.plan_models import PairStepProgress

log = logging.getLogger("twoway.dashboard")

VERSION_KEY = "twoway:dashboard:version"
TTL_SECONDS = 120


def data_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY, 1)
    return int(version)


def _bump_now() -> None:
    try:
        try:
            cache.incr(VERSION_KEY)
        except ValueError:  # not set yet (or evicted): any new value invalidates old keys
            cache.set(VERSION_KEY, data_version() + 1, timeout=None)
    except Exception as exc:  # the write stands; the TTL bounds how stale figures can be
        log.warning("dashboard cache version not bumped: %s", type(exc).__name__)


def bump(*args, **kwargs) -> None:
    """Signal receiver and plain function alike: the dashboard's data changed. Bumped now, and
    again once the transaction commits: a board built meanwhile from the not yet committed
    data's old state must not be served under the new version."""
    _bump_now()
    connection = transaction.get_connection()
    # Once per transaction is enough, however many rows it writes.
    if connection.in_atomic_block and not any(
        entry[1] is _bump_now for entry in connection.run_on_commit
    ):
        transaction.on_commit(_bump_now)


def cached(*, scope, filters, today: date, build: Callable[[], object]):
    try:
        version = data_version()
    except Exception as exc:
        log.warning("dashboard cache unreadable, computing uncached: %s", type(exc).__name__)
        return build()
    ids = (
        "all"
        if scope.user_ids is None
        else hashlib.sha256(",".join(map(str, sorted(scope.user_ids))).encode()).hexdigest()[:16]
    )
    parts = [
        str(version),
        today.isoformat(),
        ids,
        str(scope.names_visible),
        *(f"{k}={v}" for k, v in sorted(filters.as_query().items())),
    ]
    key = "twoway:dashboard:" + hashlib.sha256("|".join(parts).encode()).hexdigest()
    try:
        board = cache.get(key)
    except Exception as exc:
        log.warning("dashboard cache unreadable, computing uncached: %s", type(exc).__name__)
        return build()
    if board is None:
        board = build()
        try:
            cache.set(key, board, timeout=TTL_SECONDS)
        except Exception as exc:
            log.warning("dashboard figures not cached: %s", type(exc).__name__)
    return board


def connect_signals() -> None:
    from django.db.models.signals import m2m_changed, post_delete, post_save

    model: type[Model]
    for model in (SessionLog, Pair, Enrolment, Cohort, Profile, ImpactSurvey, Pulse, FitCheck):
        post_save.connect(bump, sender=model, dispatch_uid=f"dashboard-save-{model.__name__}")
        post_delete.connect(bump, sender=model, dispatch_uid=f"dashboard-del-{model.__name__}")
    for way in ("reverse", "forward"):
        through = getattr(SessionLog, f"skills_{way}").through
        m2m_changed.connect(bump, sender=through, dispatch_uid=f"dashboard-skills-{way}")
    for model in (PlanStep, PairStepProgress):  # the plan figures
        post_save.connect(bump, sender=model, dispatch_uid=f"dashboard-save-{model.__name__}")
        post_delete.connect(bump, sender=model, dispatch_uid=f"dashboard-del-{model.__name__}")
