"""Dashboard figures are cached per viewer scope and filters until the data behind them
changes: every write to a session, pair, enrolment, survey answer or profile bumps a version
number that is part of the cache key. Writes that bypass model signals (bulk imports, the demo
seed) call ``bump()`` themselves, and a short TTL bounds what anything else could leave stale."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date

from django.core.cache import cache

VERSION_KEY = "twoway:dashboard:version"
TTL_SECONDS = 120


def data_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY, 1)
    return int(version)


def bump(*args, **kwargs) -> None:
    """Signal receiver and plain function alike: the dashboard's data changed."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not set yet (or evicted): any new value invalidates old keys
        cache.set(VERSION_KEY, data_version() + 1, timeout=None)


def cached(*, scope, filters, today: date, build: Callable[[], object]):
    ids = (
        "all"
        if scope.user_ids is None
        else hashlib.sha256(",".join(map(str, sorted(scope.user_ids))).encode()).hexdigest()[:16]
    )
    parts = [
        str(data_version()),
        today.isoformat(),
        ids,
        str(scope.names_visible),
        *(f"{k}={v}" for k, v in sorted(filters.as_query().items())),
    ]
    key = "twoway:dashboard:" + hashlib.sha256("|".join(parts).encode()).hexdigest()
    board = cache.get(key)
    if board is None:
        board = build()
        cache.set(key, board, timeout=TTL_SECONDS)
    return board


def connect_signals() -> None:
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from accounts.models import Profile
    from mentoring.models import Cohort, Enrolment
    from pairing.models import Pair
    from sessions_log.models import FitCheck, ImpactSurvey, Pulse, SessionLog

    for model in (SessionLog, Pair, Enrolment, Cohort, Profile, ImpactSurvey, Pulse, FitCheck):
        post_save.connect(bump, sender=model, dispatch_uid=f"dashboard-save-{model.__name__}")
        post_delete.connect(bump, sender=model, dispatch_uid=f"dashboard-del-{model.__name__}")
    m2m_changed.connect(bump, sender=SessionLog.skills.through, dispatch_uid="dashboard-skills")
