"""Dashboard figures are cached per viewer scope and filters until the data behind them
changes: every write to a session, pair, enrolment, survey answer or profile bumps a version
number that is part of the cache key. Writes that bypass model signals (bulk imports, the demo
seed) call ``bump()`` themselves, and a short TTL bounds what anything else could leave stale.

A second version, the roster's, moves only with writes to who takes part and where they sit
(enrolments, cohorts, profiles, pairs, survey answers: ``bump()``, the default), not with the
everyday writes of pairs at work (sessions, check-ins, plan progress: ``bump_activity()``).
Figures that depend on the roster alone (people and enrolments per department, the impact
survey, the pairs' members: roster.py) are kept under it, so the first view after a logged
session recomputes only what a session changes.

A third, the reporting lines', moves only when a profile's manager or person changes
(roster._profile_saving), a profile comes or goes, or a writer does not say: a manager's people (accounts.reporting, a read of every
profile) are kept under it, so a department change or a withdrawal does not walk them again.

The cache is an optimisation, never a dependency: any error from it is logged and the figures
are computed uncached, and a bump that fails never undoes the write that asked for it."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import transaction
from django.db.models import Model

from accounts.models import Profile, Skill
from mentoring.models import Cohort, Enrolment, PlanStep, Programme
from pairing.models import Pair
from sessions_log.models import FitCheck, ImpactSurvey, Pulse, SessionLog
from sessions_log.plan_models import PairStepProgress

log = logging.getLogger("twoway.dashboard")
T = TypeVar("T")

VERSION_KEY = "twoway:dashboard:version"
ROSTER_KEY = "twoway:dashboard:roster"
REPORTING_KEY = "twoway:dashboard:reporting"
TTL_SECONDS = 120


_KEYS = (VERSION_KEY, ROSTER_KEY, REPORTING_KEY)


@dataclass
class _Read:
    """One dashboard request's reads and writes of the cache (``one_read``)."""

    versions: dict[str, int] = field(default_factory=dict)
    asked: set[str] = field(default_factory=set)  # keys fetched already, found or not
    found: dict[str, Any] = field(default_factory=dict)
    pending: dict[str, Any] = field(default_factory=dict)  # written with the board


_request: ContextVar[_Read | None] = ContextVar("twoway_dashboard_read", default=None)


@contextmanager
def one_read() -> Iterator[None]:
    """Around one dashboard request: the three versions are read together, once; the
    roster's figures are fetched with the board's and written with them. Without Redis each
    round trip is a query: a render after a roster change makes three instead of seven."""
    token = _request.set(_Read())
    try:
        yield
    finally:
        read = _request.get()
        _request.reset(token)
        if read is not None and read.pending:
            _write(read.pending)


def _write(values: dict[str, Any]) -> None:
    try:
        cache.set_many(values, timeout=TTL_SECONDS)
    except Exception as exc:
        log.warning("dashboard figures not cached: %s", type(exc).__name__)


def _version(key: str) -> int:
    read = _request.get()
    if read is not None:
        if not read.versions:
            read.versions.update((k, int(v)) for k, v in cache.get_many(list(_KEYS)).items())
        if key in read.versions:
            return read.versions[key]
    version = cache.get(key)
    if version is None:
        cache.add(key, 1, timeout=None)
        version = cache.get(key, 1)
    if read is not None:
        read.versions[key] = int(version)
    return int(version)


def data_version() -> int:
    """Moves with every write the dashboard counts."""
    return _version(VERSION_KEY)


def roster_version() -> int:
    """Moves with writes to the roster only (see above)."""
    return _version(ROSTER_KEY)


def reporting_version() -> int:
    """Moves with changes to the reporting lines only (see above)."""
    return _version(REPORTING_KEY)


def _bump_key(key: str) -> None:
    try:
        try:
            cache.incr(key)
        except ValueError:  # not set yet (or evicted): any new value invalidates old keys
            cache.set(key, _version(key) + 1, timeout=None)
    except Exception as exc:  # the write stands; the TTL bounds how stale figures can be
        log.warning("dashboard cache version not bumped: %s", type(exc).__name__)


def _bump_all() -> None:
    _bump_key(REPORTING_KEY)
    _bump_roster()


def _bump_roster() -> None:
    _bump_key(ROSTER_KEY)
    _bump_key(VERSION_KEY)


def _bump_reporting() -> None:
    _bump_key(REPORTING_KEY)


def _bump_activity() -> None:
    _bump_key(VERSION_KEY)


def _bump(now: Callable[[], None]) -> None:
    """Bumped now, and again once the transaction commits: a board built meanwhile from the
    not yet committed data's old state must not be served under the new version."""
    now()
    connection = transaction.get_connection()
    # Once per transaction is enough, however many rows it writes.
    if connection.in_atomic_block and not any(
        entry[1] is now for entry in connection.run_on_commit
    ):
        transaction.on_commit(now)


def bump(*args, **kwargs) -> None:
    """Signal receiver and plain function alike: the dashboard's data changed, the roster
    perhaps with it (the safe default for any writer)."""
    _bump(_bump_all)


def bump_roster(*args, **kwargs) -> None:
    """Signal receiver and plain function alike: the roster changed, the reporting lines
    did not (a profile's manager: bump_reporting)."""
    _bump(_bump_roster)


def bump_reporting() -> None:
    """A reporting line changed (roster._profile_saving tells)."""
    _bump(_bump_reporting)


def bump_activity(*args, **kwargs) -> None:
    """Signal receiver and plain function alike: a pair's activity changed (a session, a
    check-in, plan progress), the roster did not."""
    _bump(_bump_activity)


def _key(kind: str, version: int, scope, filters, *extra: str) -> str:
    ids = (
        "all"
        if scope.user_ids is None
        else hashlib.sha256(",".join(map(str, sorted(scope.user_ids))).encode()).hexdigest()[:16]
    )
    parts = [
        str(version),
        *extra,
        ids,
        str(scope.names_visible),
        *(f"{k}={v}" for k, v in sorted(filters.as_query().items())),
    ]
    return f"twoway:{kind}:" + hashlib.sha256("|".join(parts).encode()).hexdigest()


def _cached(
    version: Callable[[], int],
    key: Callable[[int], str],
    build: Callable[[], T],
    *,
    also: Callable[[], str] | None = None,
    last: bool = False,
) -> T:
    """``also``: a key fetched in the same round trip (within ``one_read``); ``last``: the
    outermost figures, written at once with whatever waits (else, within ``one_read``,
    written when it ends)."""
    read = _request.get()
    try:
        # The version read before building: figures built while a write commits are filed
        # under the version that write's bump then leaves behind.
        name = key(version())
        if read is not None and name in read.asked:
            found = read.found.get(name)
        elif read is not None:
            wanted = [name, also()] if also is not None else [name]
            read.found.update(cache.get_many(wanted))
            read.asked.update(wanted)
            found = read.found.get(name)
        else:
            found = cache.get(name)
    except Exception as exc:
        log.warning("dashboard cache unreadable, computing uncached: %s", type(exc).__name__)
        return build()
    if found is None:
        found = build()
        if read is None:
            _write({name: found})
        else:
            read.pending[name] = found
            if last:
                _write(read.pending)
                read.pending.clear()
    return found


def cached(*, scope, filters, today: date, build: Callable[[], T]) -> T:
    """The whole board, until anything it counts changes."""
    return _cached(
        data_version,
        lambda version: _key("dashboard", version, scope, filters, today.isoformat()),
        build,
        also=lambda: _key("dashboard-roster", roster_version(), scope, filters),
        last=True,
    )


def reporting_kept(name: str, build: Callable[[], T]) -> T:
    """Anything of the reporting lines alone, under a name of its own, until they change."""
    return _cached(reporting_version, lambda version: f"twoway:reporting:{version}:{name}", build)


def roster_cached(*, version: int, scope, filters, build: Callable[[], T]) -> T:
    """Figures of the roster alone, until the roster changes (``version``: roster_version(),
    read once by the caller; -1, unreadable: built, not kept)."""
    if version < 0:
        return build()
    return _cached(
        lambda: version, lambda version: _key("dashboard-roster", version, scope, filters), build
    )


def connect_signals() -> None:
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from accounts.taxonomy import taxonomy_changed
    from pairing.signals import pairs_changed

    model: type[Model]
    # Programmes: their names and archiving make the filters' choices.
    roster = (Pair, Enrolment, Cohort, Programme, Profile, ImpactSurvey, PlanStep)
    activity = (SessionLog, Pulse, FitCheck, PairStepProgress)
    for models, receiver in ((roster, bump_roster), (activity, bump_activity)):
        for model in models:
            name = model.__name__
            post_save.connect(receiver, sender=model, dispatch_uid=f"dashboard-save-{name}")
            post_delete.connect(receiver, sender=model, dispatch_uid=f"dashboard-del-{name}")
    # A profile deleted: everything, its reporting lines too.
    post_delete.connect(bump, sender=Profile, dispatch_uid="dashboard-del-Profile-lines")
    # Pairs published in bulk or ended by a conditional update: no model signal says so.
    pairs_changed.connect(bump_roster, dispatch_uid="dashboard-pairs")
    # Skill names label the board's skills; a rename or merge writes past the logs' signals.
    taxonomy_changed.connect(bump_activity, dispatch_uid="dashboard-taxonomy")
    # A skill deleted in the admin takes the logs' skills with it, past m2m_changed.
    post_delete.connect(bump_activity, sender=Skill, dispatch_uid="dashboard-del-Skill")
    for way in ("reverse", "forward"):
        through = getattr(SessionLog, f"skills_{way}").through
        m2m_changed.connect(bump_activity, sender=through, dispatch_uid=f"dashboard-skills-{way}")
