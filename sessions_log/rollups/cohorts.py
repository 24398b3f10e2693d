"""The per-cohort totals, kept in step with the per-pair ones: whenever a pair's totals are
rewritten (sessions.py), the difference between its rows before and after is added to its
cohort's rows, in the same transaction; a cohort's rows are rebuilt from its pairs' rows by
``rebuild()``. Adding differences is exact (whole numbers), and a cohort whose totals fell out
of step is never read: the dashboard reads a cohort's rows only when they agree with its
pairs' (see models.CohortSessionTotals)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db import connection
from django.db.models import Count, Sum

from sessions_log.rollups.models import (
    CohortMonthTotals,
    CohortSessionTotals,
    CohortSkillTotals,
    PairMonthTotals,
    PairSessionTotals,
    PairSkillTotals,
)
from sessions_log.rollups.sql import insert_from

MINUTES = ("reverse_minutes", "forward_minutes", "both_minutes")


@dataclass
class PairRows:
    """Some pairs' rollup rows, as plain numbers: totals (pairs, sessions, minutes each way),
    months and skills, each keyed by what its cohort row is keyed by."""

    totals: Counter[tuple[int, str]] = field(default_factory=Counter)  # (cohort, figure)
    months: Counter[tuple[int, date, str]] = field(default_factory=Counter)
    skills: Counter[tuple[int, int, str]] = field(default_factory=Counter)  # (cohort, skill, way)


def pair_rows(cohort_of: dict[int, int]) -> PairRows:
    """The rollup rows these pairs (pair id -> cohort id) have now."""
    found = PairRows()
    pairs = list(cohort_of)
    for pair_id, sessions, *minutes in PairSessionTotals.objects.filter(
        pair_id__in=pairs
    ).values_list("pair_id", "sessions", *MINUTES):
        cohort = cohort_of[pair_id]
        found.totals[(cohort, "pairs")] += 1
        found.totals[(cohort, "sessions")] += sessions
        for name, value in zip(MINUTES, minutes, strict=True):
            found.totals[(cohort, name)] += value
    for pair_id, month, sessions, *minutes in PairMonthTotals.objects.filter(
        pair_id__in=pairs
    ).values_list("pair_id", "month", "sessions", *MINUTES):
        cohort = cohort_of[pair_id]
        found.months[(cohort, month, "sessions")] += sessions
        for name, value in zip(MINUTES, minutes, strict=True):
            found.months[(cohort, month, name)] += value
    for pair_id, skill_id, way, sessions in PairSkillTotals.objects.filter(
        pair_id__in=pairs
    ).values_list("pair_id", "skill_id", "way", "sessions"):
        found.skills[(cohort_of[pair_id], skill_id, way)] += sessions
    return found


def add_difference(before: PairRows, after: PairRows) -> None:
    """Add (after - before) to the cohorts' rows; rows left with no session go."""
    totals = _difference(before.totals, after.totals)
    months = _difference(before.months, after.months)
    skills = _difference(before.skills, after.skills)
    figures = ("pairs", "sessions", *MINUTES)
    _add(
        CohortSessionTotals,
        ("cohort_id",),
        figures,
        [
            (cohort, *(totals.get((cohort, name), 0) for name in figures))
            for cohort in {cohort for cohort, _ in totals}
        ],
    )
    _add(
        CohortMonthTotals,
        ("cohort_id", "month"),
        ("sessions", *MINUTES),
        [
            (
                cohort,
                connection.ops.adapt_datefield_value(month),
                *(months.get((cohort, month, name), 0) for name in ("sessions", *MINUTES)),
            )
            for cohort, month in {(cohort, month) for cohort, month, _ in months}
        ],
    )
    _add(
        CohortSkillTotals,
        ("cohort_id", "skill_id", "way"),
        ("sessions",),
        [(cohort, skill, way, n) for (cohort, skill, way), n in skills.items()],
    )
    cohorts = {key[0] for key in (*months, *skills)}
    if cohorts:
        CohortMonthTotals.objects.filter(cohort_id__in=cohorts, sessions=0).delete()
        CohortSkillTotals.objects.filter(cohort_id__in=cohorts, sessions=0).delete()


def _difference(before: Counter, after: Counter) -> dict:
    keys = set(before) | set(after)
    return {key: after[key] - before[key] for key in keys if after[key] != before[key]}


def _add(model, keys: tuple[str, ...], figures: tuple[str, ...], rows: Iterable[tuple]) -> None:
    """Add each row's figures to the row with its keys, creating it if need be (one upsert
    per row; PostgreSQL and SQLite both know ON CONFLICT ... DO UPDATE)."""
    rows = list(rows)
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(name) for name in (*keys, *figures))
    marks = ", ".join(["%s"] * (len(keys) + len(figures)))
    adding = ", ".join(
        f"{quote(name)} = {table}.{quote(name)} + excluded.{quote(name)}" for name in figures
    )
    with connection.cursor() as cursor:
        # Table and column names come from the models; every value is a parameter.
        cursor.executemany(
            f"INSERT INTO {table} ({columns}) VALUES ({marks}) "  # noqa: S608
            f"ON CONFLICT ({', '.join(quote(name) for name in keys)}) DO UPDATE SET {adding}",
            rows,
        )


def rebuild() -> None:
    """Every cohort's rows from its pairs' rows, grouped and written by the database."""
    CohortSessionTotals.objects.all().delete()
    CohortMonthTotals.objects.all().delete()
    CohortSkillTotals.objects.all().delete()
    insert_from(
        CohortSessionTotals,
        ("cohort_id", "pairs", "sessions", *MINUTES),
        PairSessionTotals.objects.values_list("pair__cohort_id")
        .annotate(
            n_pairs=Count("pk"),
            n=Sum("sessions"),
            rev=Sum("reverse_minutes"),
            fwd=Sum("forward_minutes"),
            both=Sum("both_minutes"),
        )
        .order_by(),
    )
    insert_from(
        CohortMonthTotals,
        ("cohort_id", "month", "sessions", *MINUTES),
        PairMonthTotals.objects.values_list("pair__cohort_id", "month")
        .annotate(
            n=Sum("sessions"),
            rev=Sum("reverse_minutes"),
            fwd=Sum("forward_minutes"),
            both=Sum("both_minutes"),
        )
        .order_by(),
    )
    insert_from(
        CohortSkillTotals,
        ("cohort_id", "skill_id", "way", "sessions"),
        PairSkillTotals.objects.values_list("pair__cohort_id", "skill_id", "way")
        .annotate(n=Sum("sessions"))
        .order_by(),
    )
