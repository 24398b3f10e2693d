"""The dashboard's two rosters (sessions_log.rollups), narrow rows its figures group instead of
joining enrolments, cohorts, profiles and survey answers on every cold render:

- PairRoster: each published pair with whether each member's enrolment is counted, their
  users and departments (the pair figures group it with the session totals);
- EnrolmentRoster: each counted enrolment with its cohort, user, side, department, whether it
  is its person's first, and its impact survey's changes (people, enrolments, departments
  and impact, census.py).

Kept by the writes, read by the renders:

- Every save or delete of a pair, an enrolment, a profile, a cohort or an impact survey answer
  leaves a mark of what it touched (PairRosterMark), in the writer's own transaction
  (``connect()``). Writers in bulk, which send no model signals, say so with their own: a
  publication or an ended pair marks its pairs (pairing.signals.pairs_changed); an import
  builds the rosters whole in its worker once it commits, and so does the demo seed.
- A render first takes the marks (``ensure_fresh``) and rewrites the rows they reach: the
  pairs of the enrolments, people and cohorts marked, and every enrolment of the people
  marked (whose first enrolment may have changed). After a withdrawal or a department change
  that is a few rows in a few milliseconds, where a whole build takes most of a second at
  50,000 people.
- A net for writes past all of that: when the published pairs' count, highest id or active
  count differ from the pair roster's own, the render builds both whole; and beat builds them
  whole every ten minutes (tasks.py), rewriting only rows that differ and moving the
  dashboard's versions only when one did.

Taking the marks deletes exactly the marks read, inside the render's transaction, so a mark
committed meanwhile waits for the next render and a render that fails leaves them; rewriting
a row is an upsert, so two renders refreshing the same pair at once both succeed."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence

from django.db import connection, transaction
from django.db.models import F

from accounts.models import Profile
from mentoring.dashboard.selectors.filters import counted_enrolments
from mentoring.dashboard.sql import among_ids_sql
from mentoring.models import Cohort, Enrolment
from pairing.models import Pair
from sessions_log.models import ImpactSurvey
from sessions_log.rollups import EnrolmentRoster, PairRoster, PairRosterMark

log = logging.getLogger("twoway.dashboard")

Kind = PairRosterMark.Kind
# More marks than this at once (a big batch of saves): the whole roster is built instead.
MOST_MARKS = 5_000
_LOCK = 0x7477_6F77_7072  # PostgreSQL advisory lock of a whole build ("twowpr")
AREAS = list(ImpactSurvey.AREAS)
ENROLMENT_COLUMNS = [
    "enrolment_id",
    "cohort_id",
    "user_id",
    "side",
    "department",
    "first_of_user",
    "surveyed",
    *AREAS,
]
_COLUMNS = [
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


# -- marks: left by the writers ------------------------------------------------------------


def mark(kind: str, keys: Iterable[int]) -> None:
    """Note that a write touched these pairs, enrolments, users or cohorts (``kind``)."""
    rows = [PairRosterMark(kind=kind, key=int(key)) for key in keys]
    if rows:
        PairRosterMark.objects.bulk_create(rows, batch_size=2000)


def mark_everything() -> None:
    """A write in bulk that reached any part of the roster: the next render builds it whole."""
    mark(Kind.EVERYTHING, [0])


def _marked_pair(sender, instance: Pair, **kwargs) -> None:
    mark(Kind.PAIR, [instance.pk])


def _marked_enrolment(sender, instance: Enrolment, **kwargs) -> None:
    mark(Kind.ENROLMENT, [instance.pk])


def _enrolment_gone(sender, instance: Enrolment, **kwargs) -> None:
    # Its roster row goes with it (Django cascades the loose key), so nothing would lead the
    # refresh to its person: named here, their other enrolments' first is found again.
    mark(Kind.ENROLMENT, [instance.pk])
    mark(Kind.USER, [instance.user_id])


def _marked_profile(sender, instance: Profile, **kwargs) -> None:
    mark(Kind.USER, [instance.user_id])


def _profile_saving(sender, instance: Profile, update_fields=None, **kwargs) -> None:
    """What a profile's save changes beyond its own row, from one read of the stored row
    (none when the save names its fields and neither below is one of them): handed to
    another person (the admin allows it), the old person's roster rows lose its department,
    so they are marked too; a new manager, or a new person, moves the reporting lines."""
    from mentoring.dashboard import cache

    watched = {"user", "user_id", "manager", "manager_id"}
    if update_fields is not None and not watched & set(update_fields):
        return
    if instance._state.adding:
        if instance.manager_id is not None:
            cache.bump_reporting()
        return
    before = Profile.objects.filter(pk=instance.pk).values_list("user_id", "manager_id").first()
    if before is None:
        return
    user_id, manager_id = before
    if user_id != instance.user_id:
        mark(Kind.USER, [user_id])
    if (user_id, manager_id) != (instance.user_id, instance.manager_id):
        cache.bump_reporting()


def _marked_cohort(sender, instance: Cohort, **kwargs) -> None:
    mark(Kind.COHORT, [instance.pk])


def _marked_answer(sender, instance: ImpactSurvey, **kwargs) -> None:
    mark(Kind.ENROLMENT, [instance.enrolment_id])


def _marked_pairs(sender, pairs: Sequence[int] | None = None, **kwargs) -> None:
    if pairs is None or len(pairs) > MOST_MARKS:
        mark_everything()
    else:
        mark(Kind.PAIR, pairs)


def connect() -> None:
    from django.db.models.signals import post_delete, post_save, pre_save

    from pairing.signals import pairs_changed

    for model, receiver, gone in (
        (Pair, _marked_pair, _marked_pair),
        (Enrolment, _marked_enrolment, _enrolment_gone),
        (Profile, _marked_profile, _marked_profile),
        (Cohort, _marked_cohort, _marked_cohort),
        (ImpactSurvey, _marked_answer, _marked_answer),
    ):
        name = model.__name__
        post_save.connect(receiver, sender=model, dispatch_uid=f"pair-roster-save-{name}")
        post_delete.connect(gone, sender=model, dispatch_uid=f"pair-roster-del-{name}")
    pre_save.connect(_profile_saving, sender=Profile, dispatch_uid="dashboard-profile-saving")
    pairs_changed.connect(_marked_pairs, dispatch_uid="pair-roster-pairs")


# -- the render: bring the roster up to date -----------------------------------------------


def _tables() -> dict[str, str]:
    quote = connection.ops.quote_name
    return {
        "pairs": quote(Pair._meta.db_table),
        "roster": quote(PairRoster._meta.db_table),
        "enrolment_roster": quote(EnrolmentRoster._meta.db_table),
        "marks": quote(PairRosterMark._meta.db_table),
        "enrolments": quote(Enrolment._meta.db_table),
        "profiles": quote(Profile._meta.db_table),
    }


def _fingerprints() -> tuple[str, list]:
    """The published pairs' count, highest id and active count, then the pair roster's."""
    t = _tables()
    fingerprint = (
        "COUNT(*), COALESCE(MAX({id}), 0), "
        "COALESCE(SUM(CASE WHEN status = %s THEN 1 ELSE 0 END), 0)"
    )
    return (
        f"(SELECT {fingerprint.format(id='id')} "  # noqa: S608
        f"FROM {t['pairs']} WHERE published_at IS NOT NULL) f, "
        f"(SELECT {fingerprint.format(id='pair_id')} FROM {t['roster']}) r",
        [Pair.Status.ACTIVE, Pair.Status.ACTIVE],
    )


def _read_and_claim() -> tuple[bool, list[tuple[str, int]]]:
    """Whether the pair roster's fingerprint matches the published pairs', and the marks
    waiting, taken: exactly those deleted here, so that a mark committed meanwhile waits for
    the next render. PostgreSQL: one statement, the marks its DELETE deleted (inside the
    render's transaction, so a failed render leaves them); SQLite, one writer at a time: the
    marks read with the fingerprints, then deleted by id."""
    t = _tables()
    fingerprints, params = _fingerprints()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"WITH m AS (DELETE FROM {t['marks']} RETURNING id, kind, key) "  # noqa: S608
                f"SELECT f.*, r.*, (SELECT json_agg(json_build_array(id, kind, key)) FROM m) "
                f"FROM {fingerprints}",
                params,
            )
            *counts, marks = cursor.fetchone()
        else:
            cursor.execute(
                f"SELECT f.*, r.*, (SELECT json_group_array(json_array(id, kind, key)) "  # noqa: S608
                f"FROM {t['marks']}) FROM {fingerprints}",
                params,
            )
            *counts, marks = cursor.fetchone()
        if isinstance(marks, str):
            marks = json.loads(marks)
        marks = marks or []
        if marks and connection.vendor != "postgresql":
            ids, ids_params = among_ids_sql("id", [pk for pk, _, _ in marks])
            cursor.execute(f"DELETE FROM {t['marks']} WHERE {ids}", ids_params)  # noqa: S608
    counts = [int(n) for n in counts]
    return counts[0:3] == counts[3:6], [(kind, int(key)) for _, kind, key in marks]


def ensure_fresh() -> None:
    """Bring the rosters up to date before a render reads them: the marked rows rewritten,
    or both built whole when the marks or the pair roster's fingerprint ask for it."""
    with transaction.atomic(savepoint=False):
        matches, claimed = _read_and_claim()
        if not claimed and matches:
            return  # the usual case: one statement
        everything = any(kind == Kind.EVERYTHING for kind, _ in claimed)
        if claimed and not everything and len(claimed) <= MOST_MARKS:
            _refresh(claimed)
            if matches:
                return
            # Marks explain a publication's new fingerprint: look again once they are in.
            matches, claimed = _read_and_claim()
            if matches and not claimed:
                return
    changed = rebuild(wait=False)
    if changed is None:
        # Another build is under way and may have begun its read before what asked for this
        # one: the next render builds them again.
        mark_everything()
    elif changed:
        # Rows differed (a write past every mark, or one that marked everything): figures
        # other views keep under the current versions are stale.
        from mentoring.dashboard import cache

        cache.bump()


def _claim() -> None:
    """Take every mark waiting (a whole build makes them moot)."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {_tables()['marks']}")  # noqa: S608


def _refresh(claimed: list[tuple[str, int]]) -> None:
    """Rewrite the rows the marks reach: for each roster, drop the rows reached that are no
    longer wanted and upsert the rest, two sets apart. PostgreSQL runs the four statements
    as one (data-modifying WITH: they touch different rows), SQLite one after another."""
    keys: dict[str, set[int]] = {kind: set() for kind in Kind.values}
    for kind, key in claimed:
        keys[kind].add(key)
    statements = [*_refresh_pairs(keys), *_refresh_enrolments(keys)]
    if not statements:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            *first, (last, last_params) = statements
            heads = [f"s{n} AS ({sql})" for n, (sql, _) in enumerate(first)]
            params = [p for _, statement_params in first for p in statement_params]
            head = f"WITH {', '.join(heads)} " if heads else ""
            cursor.execute(head + last, [*params, *last_params])
        else:
            for sql, params in statements:
                cursor.execute(sql, params)


def _refresh_pairs(keys: dict[str, set[int]]) -> list[tuple[str, list]]:
    t = _tables()
    # The pairs reached, each kind of mark by an index of its own (an OR across columns
    # would read every pair).
    parts, params = [], []
    for column, kind in (
        ("id", Kind.PAIR),
        ("junior_id", Kind.ENROLMENT),
        ("senior_id", Kind.ENROLMENT),
        ("cohort_id", Kind.COHORT),
    ):
        if keys[kind]:
            part, part_params = among_ids_sql(column, keys[kind])
            parts.append(f"SELECT id FROM {t['pairs']} WHERE {part}")  # noqa: S608
            params += part_params
    if keys[Kind.USER]:
        users, user_params = among_ids_sql("e.user_id", keys[Kind.USER])
        for side in ("junior_id", "senior_id"):
            parts.append(
                f"SELECT p.id FROM {t['pairs']} p INNER JOIN {t['enrolments']} e "  # noqa: S608
                f"ON e.id = p.{side} WHERE {users}"
            )
            params += user_params
    if not parts:
        return []
    reached = " UNION ".join(parts)
    # Rows of the pairs reached, and of marked pairs that are gone, published no more: each
    # by its key (an OR would read the whole roster).
    rows, rows_params = reached, list(params)
    if keys[Kind.PAIR]:
        marked, marked_params = among_ids_sql("pair_id", keys[Kind.PAIR])
        rows += f" UNION SELECT pair_id FROM {t['roster']} WHERE {marked}"  # noqa: S608
        rows_params += marked_params
    select, select_params = _select_pairs(f"p.id IN ({reached})", params)
    return [
        (
            f"DELETE FROM {t['roster']} WHERE pair_id IN ({rows}) "  # noqa: S608
            f"AND pair_id NOT IN (SELECT id FROM {t['pairs']} "
            f"WHERE published_at IS NOT NULL AND id IN ({reached}))",
            [*rows_params, *params],
        ),
        (_upsert("roster", _COLUMNS, select), select_params),
    ]


def _refresh_enrolments(keys: dict[str, set[int]]) -> list[tuple[str, list]]:
    """Every enrolment of the people reached: those marked, those of the enrolments marked
    (as they are now, and as the roster last saw them) and of the cohorts marked."""
    t = _tables()
    parts, params = [], []
    for table, column, kind in (
        ("enrolments", "id", Kind.ENROLMENT),
        ("enrolment_roster", "enrolment_id", Kind.ENROLMENT),
        ("enrolments", "user_id", Kind.USER),
        ("enrolments", "cohort_id", Kind.COHORT),
    ):
        if keys[kind]:
            part, part_params = among_ids_sql(column, keys[kind])
            parts.append(f"SELECT user_id FROM {t[table]} WHERE {part}")  # noqa: S608
            params += part_params
    if not parts:
        return []
    people = " UNION ".join(parts)
    # Rows of the enrolments reached, and of marked enrolments that are gone, counted no
    # more: each by its key, and the counted among them alone (not all 80,000).
    rows = f"SELECT id FROM {t['enrolments']} WHERE user_id IN ({people})"  # noqa: S608
    rows_params = list(params)
    if keys[Kind.ENROLMENT]:
        marked, marked_params = among_ids_sql("enrolment_id", keys[Kind.ENROLMENT])
        rows += f" UNION SELECT enrolment_id FROM {t['enrolment_roster']} WHERE {marked}"  # noqa: S608
        rows_params += marked_params
    counted, counted_params = counted_enrolments().values("pk").order_by().query.sql_with_params()
    select, select_params = _select_enrolments(f"e.uid IN ({people})", params)
    return [
        (
            f"DELETE FROM {t['enrolment_roster']} WHERE enrolment_id IN ({rows}) "  # noqa: S608
            f"AND enrolment_id NOT IN (SELECT c.pk FROM ({counted}) c "
            f"WHERE c.pk IN ({rows}))",
            [*rows_params, *counted_params, *rows_params],
        ),
        (_upsert("enrolment_roster", ENROLMENT_COLUMNS, select), select_params),
    ]


def _select_pairs(where: str, params: list) -> tuple[str, list]:
    """The roster's rows of the published pairs ``where`` says, as one SELECT: the counted
    enrolments' query compiled by Django (filters.counted_enrolments, what every other
    dashboard read counts); table and column names from the models."""
    t = _tables()
    counted, counted_params = counted_enrolments().values("pk").order_by().query.sql_with_params()
    # EXISTS, correlated: PostgreSQL probes the enrolment's key for a few pairs and hashes
    # the counted enrolments once for many (IN would hash all 80,000 for one pair).
    junior, senior = (
        f"EXISTS (SELECT 1 FROM ({counted}) c WHERE c.pk = p.{side})"  # noqa: S608
        for side in ("junior_id", "senior_id")
    )
    return (
        "SELECT p.id, p.cohort_id, p.status, p.published_at, p.junior_id, p.senior_id, "  # noqa: S608
        f"j.user_id, s.user_id, {junior}, {senior}, "
        "pj.department, ps.department "
        f"FROM {t['pairs']} p "
        f"INNER JOIN {t['enrolments']} j ON j.id = p.junior_id "
        f"INNER JOIN {t['enrolments']} s ON s.id = p.senior_id "
        f"LEFT JOIN {t['profiles']} pj ON pj.user_id = j.user_id "
        f"LEFT JOIN {t['profiles']} ps ON ps.user_id = s.user_id "
        f"WHERE p.published_at IS NOT NULL AND ({where})",
        [*counted_params, *counted_params, *params],
    )


def _select_enrolments(where: str, params: list) -> tuple[str, list]:
    """The enrolment roster's rows of the counted enrolments ``where`` says (of ``e``: eid,
    uid), as one SELECT. ``where`` must take every counted enrolment of a person or none:
    the first of each person is found among them."""
    t = _tables()
    counted, counted_params = (
        counted_enrolments()
        .annotate(eid=F("pk"), uid=F("user_id"), ecohort=F("cohort_id"), eside=F("side"))
        .values_list("eid", "uid", "ecohort", "eside")
        .order_by()
        .query.sql_with_params()
    )
    surveys = connection.ops.quote_name(ImpactSurvey._meta.db_table)
    quote = connection.ops.quote_name
    changes = ", ".join(f"f.{quote(a)} - b.{quote(a)}" for a in AREAS)
    return (
        "SELECT e.eid, e.ecohort, e.uid, e.eside, pr.department, "  # noqa: S608
        "ROW_NUMBER() OVER (PARTITION BY e.uid ORDER BY e.eid) = 1, "
        f"b.id IS NOT NULL AND f.id IS NOT NULL, {changes} "
        f"FROM ({counted}) e LEFT JOIN {t['profiles']} pr ON pr.user_id = e.uid "
        f"LEFT JOIN {surveys} b ON b.enrolment_id = e.eid AND b.stage = %s "
        f"LEFT JOIN {surveys} f ON f.enrolment_id = e.eid AND f.stage = %s "
        f"WHERE {where}",
        [*counted_params, ImpactSurvey.Stage.BASELINE, ImpactSurvey.Stage.FINAL, *params],
    )


def _upsert(table: str, columns: list[str], select: str, *, changed_only: bool = False) -> str:
    """Write ``select``'s rows into ``table``, replacing any row of the same key (its first
    column; with ``changed_only``, only where another column differs: the count of rows
    written then says what changed)."""
    name = _tables()[table]
    key, rest = columns[0], columns[1:]
    distinct = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
    when = (
        " WHERE " + " OR ".join(f"{name}.{c} {distinct} excluded.{c}" for c in rest)
        if changed_only
        else ""
    )
    return (
        f"INSERT INTO {name} ({', '.join(columns)}) {select} "  # noqa: S608
        f"ON CONFLICT ({key}) DO UPDATE SET "
        + ", ".join(f"{c} = excluded.{c}" for c in rest)
        + when
    )


def rebuild(*, wait: bool = True) -> bool | None:
    """Build both rosters whole again, rewriting only rows that differ and dropping rows of
    pairs no longer published and of enrolments no longer counted. Returns whether any row
    changed. One build at a time on PostgreSQL (SQLite has one writer anyway); the marks it
    makes moot are taken first. ``wait=False`` (a render, which may hold marks another build
    would wait for): when another build is under way, nothing is done (None), rather than
    each waiting for the other; that build brings the rosters whole."""
    t = _tables()
    counted, counted_params = counted_enrolments().values("pk").order_by().query.sql_with_params()
    with transaction.atomic(savepoint=False):
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # No JIT: it compiles these reads for longer than they run (0.8 s at 50,000
                # people, where the build then takes a quarter of a second).
                lock = "pg_advisory_xact_lock" if wait else "pg_try_advisory_xact_lock"
                cursor.execute(
                    f"SELECT {lock}(%s), set_config('jit', 'off', true)",  # noqa: S608
                    [_LOCK],
                )
                if not wait and not cursor.fetchone()[0]:
                    return None
            _claim()
            if connection.vendor == "postgresql":
                # A render's refresh waits for the build (taken after the claim, which waits
                # for renders holding marks): else a row it refreshed from a mark committed
                # while the build read would be written over with what the build read.
                cursor.execute(
                    f"LOCK TABLE {t['roster']}, {t['enrolment_roster']} IN SHARE ROW EXCLUSIVE MODE"
                )
            written = 0
            for table, key, kept, kept_params, columns, (select, params) in (
                (
                    "roster",
                    "pair_id",
                    f"SELECT id FROM {t['pairs']} WHERE published_at IS NOT NULL",  # noqa: S608
                    [],
                    _COLUMNS,
                    _select_pairs("1 = 1", []),
                ),
                (
                    "enrolment_roster",
                    "enrolment_id",
                    counted,
                    list(counted_params),
                    ENROLMENT_COLUMNS,
                    _select_enrolments("1 = 1", []),
                ),
            ):
                cursor.execute(
                    f"DELETE FROM {t[table]} WHERE {key} NOT IN ({kept})",  # noqa: S608
                    kept_params,
                )
                dropped = cursor.rowcount
                cursor.execute(_upsert(table, columns, select, changed_only=True), params)
                written += dropped + cursor.rowcount
                if connection.vendor == "postgresql" and cursor.rowcount > 1000:
                    # Many rows written at once (the first build): fresh planner statistics,
                    # or PostgreSQL guesses a handful of rows and joins by nested loops.
                    cursor.execute(f"ANALYZE {t[table]}")
    return bool(written)


def rebuild_and_tell() -> bool:
    """Both rosters built whole again; if any row differed (a write past every mark), the
    dashboard's figures are stale: move its versions."""
    from mentoring.dashboard import cache

    changed = bool(rebuild())
    if changed:
        log.warning("dashboard rosters: rows differed from the marks' account; rebuilt")
        cache.bump()
    return changed
