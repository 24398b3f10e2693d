"""The per-pair totals of the session logs, kept by the logs' own signals: a pair's rows are
rewritten from its logs in the same transaction as any write to them (create, edit, delete,
skills each way), and its cohort's rows take the difference (cohorts.py)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime

from django.db import transaction
from django.db.models import Count, Max, Q, Sum, Value
from django.db.models.functions import TruncMonth
from django.db.models.signals import m2m_changed, post_delete, post_save

from sessions_log.rollups import cohorts, packed
from sessions_log.rollups.models import (
    PairMonthTotals,
    PairPacked,
    PairSessionTotals,
    PairSkillTotals,
)
from sessions_log.rollups.sql import insert_from

WAYS = ("reverse", "forward")


def _skill_rows(pair_ids: set[int] | None) -> list[PairSkillTotals]:
    from sessions_log.models import SessionLog

    rows = []
    for way in WAYS:
        through = getattr(SessionLog, f"skills_{way}").through.objects.all()
        if pair_ids is not None:
            through = through.filter(sessionlog__pair_id__in=pair_ids)
        for pair_id, skill_id, n in (
            through.values_list("sessionlog__pair_id", "skill_id")
            .annotate(n=Count("pk"))
            .order_by()
        ):
            rows.append(PairSkillTotals(pair_id=pair_id, skill_id=skill_id, way=way, sessions=n))
    return rows


def _grouped(logs) -> list[dict]:
    return list(
        logs.annotate(month=TruncMonth("held_on"))
        .values("pair_id", "month")
        .annotate(
            sessions=Count("pk"),
            reverse_minutes=Sum("minutes", filter=Q(direction="reverse"), default=0),
            forward_minutes=Sum("minutes", filter=Q(direction="forward"), default=0),
            both_minutes=Sum("minutes", filter=Q(direction="both"), default=0),
            last_held_on=Max("held_on"),
        )
        .order_by()
    )


def _write(rows: list[dict], skills: list[PairSkillTotals]) -> None:
    months = []
    totals: dict[int, PairSessionTotals] = {}
    for row in rows:
        months.append(PairMonthTotals(**{**row, "month": _day(row["month"])}))
        total = totals.setdefault(
            row["pair_id"],
            PairSessionTotals(pair_id=row["pair_id"], last_held_on=row["last_held_on"]),
        )
        total.sessions += row["sessions"]
        total.reverse_minutes += row["reverse_minutes"]
        total.forward_minutes += row["forward_minutes"]
        total.both_minutes += row["both_minutes"]
        total.last_held_on = max(total.last_held_on, row["last_held_on"])
    PairMonthTotals.objects.bulk_create(months, batch_size=5000)
    PairSessionTotals.objects.bulk_create(totals.values(), batch_size=5000)
    _write_packs(
        (
            (m.pair_id, m.month, m.sessions, m.reverse_minutes, m.forward_minutes, m.both_minutes)
            for m in months
        ),
        ((s.pair_id, s.skill_id, s.way, s.sessions) for s in skills),
    )


def _write_packs(months: Iterable[tuple], skills: Iterable[tuple]) -> None:
    """Each pair's months (pair, month, sessions, minutes reverse, forward, both) and skills
    (pair, skill, way, sessions) as its PairPacked row."""
    month_rows: dict[int, list[tuple]] = defaultdict(list)
    for pair_id, month, *figures in months:
        month_rows[pair_id].append((packed.month_number(month), *figures))
    skill_rows: dict[int, list[tuple]] = defaultdict(list)
    for pair_id, skill_id, way, n in skills:
        skill_rows[pair_id].append(packed.skill_row(skill_id, way, n))
    PairPacked.objects.bulk_create(
        (
            PairPacked(
                pair_id=pair_id,
                months=packed.pack(rows),
                skills=packed.pack(skill_rows.get(pair_id, ())),
            )
            for pair_id, rows in month_rows.items()
        ),
        batch_size=2000,
    )


@transaction.atomic
def refresh_pairs(pair_ids: set[int]) -> None:
    """Rewrite the totals of these pairs from their logs (a pair logs a few dozen sessions, so
    this is cheap and, unlike adding and subtracting, cannot drift), and add the difference to
    their cohorts' totals."""
    from pairing.models import Pair
    from sessions_log.models import SessionLog

    if not pair_ids:
        return
    # Two writes to one pair queue here, so each finds the rows the other left.
    cohort_of = dict(
        Pair.objects.select_for_update()
        .filter(pk__in=pair_ids)
        .order_by("pk")
        .values_list("pk", "cohort_id")
    )
    before = cohorts.pair_rows(cohort_of)
    PairMonthTotals.objects.filter(pair_id__in=pair_ids).delete()
    PairSessionTotals.objects.filter(pair_id__in=pair_ids).delete()
    PairSkillTotals.objects.filter(pair_id__in=pair_ids).delete()
    PairPacked.objects.filter(pair_id__in=pair_ids).delete()
    skills = _skill_rows(pair_ids)
    PairSkillTotals.objects.bulk_create(skills, batch_size=5000)
    _write(_grouped(SessionLog.objects.filter(pair_id__in=pair_ids)), skills)
    cohorts.add_difference(before, cohorts.pair_rows(cohort_of))


@transaction.atomic
def rebuild_all() -> int:
    """Every rollup from scratch, grouped and written by the database itself (a large demo has
    a million logs: nothing of them passes through Python): the pairs' totals, their cohorts'
    and the pairs' plan summaries. Returns how many pair-month rows were written."""
    from sessions_log.models import SessionLog
    from sessions_log.rollups import plan

    PairMonthTotals.objects.all().delete()
    PairSessionTotals.objects.all().delete()
    PairSkillTotals.objects.all().delete()
    PairPacked.objects.all().delete()
    totals = ("sessions", "reverse_minutes", "forward_minutes", "both_minutes", "last_held_on")
    months = insert_from(
        PairMonthTotals,
        ("pair_id", "month", *totals),
        SessionLog.objects.annotate(month=TruncMonth("held_on"))
        .values_list("pair_id", "month")
        .annotate(
            n=Count("pk"),
            rev=Sum("minutes", filter=Q(direction="reverse"), default=0),
            fwd=Sum("minutes", filter=Q(direction="forward"), default=0),
            both=Sum("minutes", filter=Q(direction="both"), default=0),
            last=Max("held_on"),
        )
        .order_by(),
    )
    insert_from(
        PairSessionTotals,
        ("pair_id", *totals),
        PairMonthTotals.objects.values_list("pair_id")
        .annotate(
            n=Sum("sessions"),
            rev=Sum("reverse_minutes"),
            fwd=Sum("forward_minutes"),
            both=Sum("both_minutes"),
            last=Max("last_held_on"),
        )
        .order_by(),
    )
    for way in WAYS:
        insert_from(
            PairSkillTotals,
            ("pair_id", "skill_id", "way", "sessions"),
            getattr(SessionLog, f"skills_{way}")
            .through.objects.values_list("sessionlog__pair_id", "skill_id")
            .annotate(way=Value(way), n=Count("pk"))
            .order_by(),
        )
    # The packs from the rows just written (a million logs make a few hundred thousand).
    month_fields = ("pair_id", "month", "sessions", "reverse_minutes", "forward_minutes")
    _write_packs(
        (
            (*row[:1], _day(row[1]), *row[2:])
            for row in PairMonthTotals.objects.values_list(*month_fields, "both_minutes")
            .order_by()
            .iterator(chunk_size=20_000)
        ),
        PairSkillTotals.objects.values_list("pair_id", "skill_id", "way", "sessions")
        .order_by()
        .iterator(chunk_size=20_000),
    )
    cohorts.rebuild()
    plan.rebuild()
    return months


def _day(month) -> date:
    """A month as a day, however the backend hands it back (a date, a datetime, text)."""
    if not isinstance(month, date):
        return date.fromisoformat(str(month)[:10])
    return month.date() if isinstance(month, datetime) else month


def _log_saved(sender, instance, raw: bool = False, **kwargs) -> None:
    if raw:  # loaddata: the fixture's rollup rows come with it
        return
    refresh_pairs({instance.pair_id})


def _log_deleted(sender, instance, origin=None, **kwargs) -> None:
    from sessions_log.models import SessionLog

    # A log goes either by itself (a person, the admin, a queryset of logs) or with its pair
    # (a pair, cohort or person erased), whose totals then go by cascade too.
    by_itself = isinstance(origin, SessionLog) or getattr(origin, "model", None) is SessionLog
    if not by_itself:
        return
    # One rewrite per pair per deletion: every log of the batch is already gone by now.
    done: set[int] = origin.__dict__.setdefault("_rollup_pairs_refreshed", set())
    if instance.pair_id not in done:
        done.add(instance.pair_id)
        refresh_pairs({instance.pair_id})


def _skills_changed(sender, instance, action: str, reverse: bool, pk_set=None, **kwargs) -> None:
    if not action.startswith("post_"):
        return
    if reverse:  # from the skill's side (a merge re-pointing uses): the logs named in pk_set
        from sessions_log.models import SessionLog

        pairs = set(
            SessionLog.objects.filter(pk__in=pk_set or ()).values_list("pair_id", flat=True)
        )
        if action == "post_clear":  # no pk_set: every pair that covered the skill this way
            pairs = set(
                PairSkillTotals.objects.filter(skill=instance).values_list("pair_id", flat=True)
            )
        refresh_pairs(pairs)
    else:
        refresh_pairs({instance.pair_id})


post_save.connect(_log_saved, sender="sessions_log.SessionLog", dispatch_uid="rollups-save")
post_delete.connect(_log_deleted, sender="sessions_log.SessionLog", dispatch_uid="rollups-del")
for _way in WAYS:
    m2m_changed.connect(
        _skills_changed,
        sender=f"sessions_log.SessionLog_skills_{_way}",
        dispatch_uid=f"rollups-skills-{_way}",
    )
