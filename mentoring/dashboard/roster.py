"""The pairs' roster for the dashboard (sessions_log.rollups.PairRoster): each published pair
with whether each member's enrolment is counted, their users and departments, so that the
pair figures group one narrow row per pair with its session totals instead of joining every
pair to both members' enrolments and profiles on every cold render.

Rebuilt whole, in one statement, by the first render that finds it out of step: built for
another roster version (cache.py: enrolments, cohorts, profiles, pairs and survey answers
move it), older than the dashboard cache's TTL (what bounds anything that writes past the
signals), or built when the published pairs' count, highest id or active count differed
(publication and ending a pair write in bulk). A rebuild is as costly as the join it
replaces (0.1–0.2 s at 50,000 people) and happens once per roster change, not per view."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Profile
from mentoring.dashboard.cache import TTL_SECONDS
from mentoring.dashboard.selectors.filters import counted_enrolments
from mentoring.models import Enrolment
from pairing.models import Pair
from sessions_log.rollups import PairRoster, PairRosterState

_STATE = 1  # the state's one row
_LOCK = 0x7477_6F77_7072  # PostgreSQL advisory lock of the rebuild ("twowpr")


def _read_state() -> tuple[tuple[int, int, int], tuple | None]:
    """The published pairs' fingerprint now, and the state's (version, built_at, fingerprint)."""
    quote = connection.ops.quote_name
    pairs, state = quote(Pair._meta.db_table), quote(PairRosterState._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT f.published, f.last_id, f.active, s.roster_version, s.built_at, "  # noqa: S608
            "s.published, s.last_pair, s.active FROM (SELECT COUNT(*) AS published, "
            "COALESCE(MAX(id), 0) AS last_id, "
            "COALESCE(SUM(CASE WHEN status = %s THEN 1 ELSE 0 END), 0) AS active "
            f"FROM {pairs} WHERE published_at IS NOT NULL) f "
            f"LEFT JOIN {state} s ON s.id = %s",
            [Pair.Status.ACTIVE, _STATE],
        )
        published, last, active, version, built_at, *built = cursor.fetchone()
    now = (int(published), int(last), int(active))
    if version is None:
        return now, None
    return now, (int(version), built_at, tuple(int(n) for n in built))


def _fresh(version: int, now: tuple[int, int, int], state: tuple | None) -> bool:
    if state is None:
        return False
    built_for, built_at, built = state
    if isinstance(built_at, str):  # SQLite hands a raw query's timestamps back as text
        built_at = datetime.fromisoformat(built_at)
    if timezone.is_naive(built_at):  # in UTC, as stored
        built_at = built_at.replace(tzinfo=UTC)
    age = timezone.now() - built_at
    return (
        built_for == version
        and timedelta(0) <= age < timedelta(seconds=TTL_SECONDS)
        and built == now
    )


def ensure_fresh(version: int) -> None:
    """Rebuild the pair roster if it may be out of step with the roster's ``version``
    (cache.roster_version(); -1, unknown: rebuild, slower and never wrong). Concurrent renders
    that find it stale rebuild it one after the other; the later ones find it fresh and
    skip."""
    now, state = _read_state()
    if version >= 0 and _fresh(version, now, state):
        return
    with transaction.atomic(savepoint=False):
        # One rebuild at a time (SQLite: one writer). Uncontended, the lock is taken at once
        # and the rebuild follows (one that committed since the read above is only done
        # again); otherwise another render is rebuilding: wait for it, then look again.
        if connection.vendor == "postgresql" and not _locked(wait=False):
            _locked(wait=True)
            now, state = _read_state()
            if version >= 0 and _fresh(version, now, state):
                return  # rebuilt meanwhile
        _rebuild(version, now)


def _locked(*, wait: bool) -> bool:
    """PostgreSQL's advisory lock of the rebuild, until the transaction ends."""
    call = "pg_advisory_xact_lock" if wait else "pg_try_advisory_xact_lock"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {call}(%s)", [_LOCK])
        return wait or bool(cursor.fetchone()[0])


def _record_sql(version: int, now: tuple[int, int, int]) -> tuple[str, list]:
    """The state's one row, written in one statement whether or not it exists yet."""
    quote = connection.ops.quote_name
    built_at = connection.ops.adapt_datetimefield_value(timezone.now())
    return (
        f"INSERT INTO {quote(PairRosterState._meta.db_table)} "  # noqa: S608 (its name)
        "(id, roster_version, built_at, published, last_pair, active) "
        "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (id) DO UPDATE SET "
        "roster_version = excluded.roster_version, built_at = excluded.built_at, "
        "published = excluded.published, last_pair = excluded.last_pair, "
        "active = excluded.active",
        [_STATE, version, built_at, *now],
    )


def _rebuild(version: int, now: tuple[int, int, int]) -> None:
    """The roster's rows afresh and the state they were built from (``version``, ``now``)."""
    quote = connection.ops.quote_name
    counted, counted_params = counted_enrolments().values("pk").order_by().query.sql_with_params()
    columns = [
        "pair_id",
        "cohort_id",
        "status",
        "published_at",
        "junior_id",
        "senior_id",
        "junior_user_id",
        "senior_user_id",
        "junior_counted",
        "senior_counted",
        "junior_department",
        "senior_department",
    ]
    enrolments, profiles = quote(Enrolment._meta.db_table), quote(Profile._meta.db_table)
    with connection.cursor() as cursor:
        # PostgreSQL's TRUNCATE (transactional there) frees the rows at once; readers wait
        # for the rebuild's commit, as they would to rebuild it themselves.
        empty = "TRUNCATE" if connection.vendor == "postgresql" else "DELETE FROM"
        cursor.execute(f"{empty} {quote(PairRoster._meta.db_table)}")
        # Table and column names from the models; the counted enrolments' query compiled by
        # Django (filters.counted_enrolments, what every other dashboard read counts).
        record, record_params = _record_sql(version, now)
        # PostgreSQL writes the state in the same statement (a data-modifying WITH, run once
        # whether or not it is read), which keeps a roster-cold render within its query
        # budget; SQLite has no such WITH and writes it after.
        with_record = connection.vendor == "postgresql"
        head = f"WITH recorded AS ({record} RETURNING id) " if with_record else ""
        head_params = record_params if with_record else []
        cursor.execute(
            head + f"INSERT INTO {quote(PairRoster._meta.db_table)} ({', '.join(columns)}) "  # noqa: S608
            "SELECT p.id, p.cohort_id, p.status, p.published_at, p.junior_id, p.senior_id, "
            f"j.user_id, s.user_id, p.junior_id IN ({counted}), p.senior_id IN ({counted}), "
            "pj.department, ps.department "
            f"FROM {quote(Pair._meta.db_table)} p "
            f"INNER JOIN {enrolments} j ON j.id = p.junior_id "
            f"INNER JOIN {enrolments} s ON s.id = p.senior_id "
            f"LEFT JOIN {profiles} pj ON pj.user_id = j.user_id "
            f"LEFT JOIN {profiles} ps ON ps.user_id = s.user_id "
            "WHERE p.published_at IS NOT NULL",
            [*head_params, *counted_params, *counted_params],
        )
        if not with_record:
            cursor.execute(record, record_params)
