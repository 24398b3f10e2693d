"""The pairs in view (published pairs with at least one member among the counted enrolments)
and what they add up to, grouped in SQL: no pair crosses into Python except the few listed as
at risk."""

from __future__ import annotations

import operator
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import reduce
from typing import NamedTuple

from django.db import connection
from django.db.models import CharField, F, Q, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf, TruncDate
from django.utils import timezone

from accounts.models import Profile
from mentoring.models import Cohort, Enrolment
from pairing.models import Pair
from sessions_log.rollups import PairSessionTotals

# Pairs listed by name under "Pairs at risk" (each row is four links and a form): the quietest
# this many; the figure above the list counts every one.
AT_RISK_SHOWN = 50
MINUTES = ("reverse_minutes", "forward_minutes", "both_minutes")


def pairs_in_view(enrolments: QuerySet[Enrolment]) -> QuerySet[Pair]:
    counted = enrolments.values("pk")
    return Pair.objects.filter(published_at__isnull=False).filter(
        Q(junior__in=counted) | Q(senior__in=counted)
    )


def quiet(cohorts: list[Cohort], today: date) -> Q:
    """An active pair at risk: no session (or, never having met, no publication) for twice its
    cohort's meeting cadence. Needs the ``quiet_since`` alias (see ``with_quiet_since``)."""
    cadences = {cohort.meeting_cadence_days for cohort in cohorts}
    if not cadences:
        return Q(pk__in=[])
    return Q(status=Pair.Status.ACTIVE) & reduce(
        operator.or_,
        (
            Q(cohort__meeting_cadence_days=days, quiet_since__lt=today - timedelta(days=2 * days))
            for days in sorted(cadences)
        ),
    )


def with_quiet_since(pairs: QuerySet[Pair]) -> QuerySet[Pair]:
    # The local day of publication, as the pair's page counts it.
    return pairs.alias(
        quiet_since=Coalesce("session_totals__last_held_on", TruncDate("published_at"))
    )


@dataclass
class CohortPairs:
    """One cohort's pairs in view, added up."""

    pairs: int = 0
    active: int = 0
    logged: int = 0  # pairs that have logged a session
    sessions: int = 0
    reverse_minutes: int = 0
    forward_minutes: int = 0
    both_minutes: int = 0
    at_risk: int = 0


@dataclass
class PairFigures:
    cohorts: dict[int, CohortPairs] = field(default_factory=dict)
    # Minutes per department: each pair's count once, for the junior's department (the
    # senior's when the junior is outside the selection); departments whose pairs logged
    # nothing are left out.
    department_minutes: dict[str, int] = field(default_factory=dict)
    published: int = 0  # published pairs, in view or not

    def total(self, name: str) -> int:
        return sum(getattr(cohort, name) for cohort in self.cohorts.values())


def pair_figures(
    enrolments: QuerySet[Enrolment], cohorts: list[Cohort], today: date
) -> PairFigures:
    """One grouped query over the pairs in view, by cohort and department, with their session
    totals (sessions_log.rollups) joined in.

    Written as SQL around the counted enrolments' own query (compiled by Django, so the
    filters mean what they mean everywhere): the enrolments are read once per side with their
    department, where the ORM's form (membership tested three times, each member's department
    through the users table) costs twice as much at 50,000 people. Nothing here is specific
    to one database."""
    quote = connection.ops.quote_name
    counted, params = (
        enrolments.annotate(eid=F("pk"), uid=F("user_id"))
        .values_list("eid", "uid")
        .order_by()
        .query.sql_with_params()
    )
    # Table names from the models' metadata, the enrolments' query compiled by Django; every
    # value is a parameter.
    department = (
        "SELECT e.eid AS id, COALESCE(NULLIF(pr.department, ''), '(none)') AS dept "  # noqa: S608
        f"FROM ({counted}) e LEFT JOIN {quote(Profile._meta.db_table)} pr ON pr.user_id = e.uid"
    )
    quiet_sql, quiet_params = _quiet_sql(cohorts, today)
    pair, totals = quote(Pair._meta.db_table), quote(PairSessionTotals._meta.db_table)
    active = Pair.Status.ACTIVE
    sql = (
        "SELECT p.cohort_id, COALESCE(dj.dept, ds.dept), COUNT(*), "  # noqa: S608
        "SUM(CASE WHEN p.status = %s THEN 1 ELSE 0 END), COUNT(t.pair_id), "
        "COALESCE(SUM(t.sessions), 0), COALESCE(SUM(t.reverse_minutes), 0), "
        "COALESCE(SUM(t.forward_minutes), 0), COALESCE(SUM(t.both_minutes), 0), "
        f"SUM(CASE WHEN p.status = %s AND ({quiet_sql}) THEN 1 ELSE 0 END), "
        # Every published pair, in view or not: one more figure rather than one more query.
        f"(SELECT COUNT(*) FROM {pair} WHERE published_at IS NOT NULL) "
        f"FROM {pair} p "
        f"LEFT JOIN ({department}) dj ON dj.id = p.junior_id "
        f"LEFT JOIN ({department}) ds ON ds.id = p.senior_id "
        f"LEFT JOIN {totals} t ON t.pair_id = p.id "
        f"INNER JOIN {quote(Cohort._meta.db_table)} c ON c.id = p.cohort_id "
        "WHERE p.published_at IS NOT NULL AND (dj.id IS NOT NULL OR ds.id IS NOT NULL) "
        "GROUP BY p.cohort_id, COALESCE(dj.dept, ds.dept)"
    )
    figures = PairFigures()
    minutes: dict[str, int] = defaultdict(int)
    with connection.cursor() as cursor:
        cursor.execute(sql, [active, active, *quiet_params, *params, *params])
        rows = cursor.fetchall()
    for cohort_id, dept, *counts in rows:
        cohort = figures.cohorts.setdefault(cohort_id, CohortPairs())
        pairs, active_pairs, logged, sessions, rev, fwd, both, at_risk, figures.published = counts
        cohort.pairs += pairs
        cohort.active += active_pairs
        cohort.logged += logged
        cohort.sessions += sessions
        cohort.reverse_minutes += rev
        cohort.forward_minutes += fwd
        cohort.both_minutes += both
        cohort.at_risk += at_risk
        if rev + fwd + both:
            minutes[dept] += rev + fwd + both
    figures.department_minutes = dict(minutes)
    return figures


def _quiet_sql(cohorts: list[Cohort], today: date) -> tuple[str, list]:
    """``quiet`` for the SQL above (pairs ``p``, totals ``t``, cohorts ``c``): the local day of
    publication is before a day D when the publication is before D's first moment here."""
    cadences = sorted({cohort.meeting_cadence_days for cohort in cohorts})
    if not cadences:
        return "1 = 0", []
    zone = timezone.get_current_timezone()
    parts, params = [], []
    for days in cadences:
        before = today - timedelta(days=2 * days)
        parts.append(
            "(c.meeting_cadence_days = %s AND ((t.last_held_on IS NOT NULL AND "
            "t.last_held_on < %s) OR (t.last_held_on IS NULL AND p.published_at < %s)))"
        )
        params += [
            days,
            connection.ops.adapt_datefield_value(before),
            connection.ops.adapt_datetimefield_value(
                datetime.combine(before, time.min, tzinfo=zone)
            ),
        ]
    return " OR ".join(parts), params


class AtRiskPair(NamedTuple):
    pk: int
    cohort_slug: str
    cohort_name: str
    junior_id: int  # enrolments
    junior_name: str
    senior_id: int
    senior_name: str
    last_session: date | None


def _name(side: str) -> Coalesce:
    # As User.full_name: the profile's name, else the email.
    return Coalesce(
        NullIf(f"{side}__user__profile__full_name", Value("")),
        f"{side}__user__email",
        output_field=CharField(),
    )


def at_risk(pairs: QuerySet[Pair], cohorts: list[Cohort], today: date) -> list[AtRiskPair]:
    """The quietest pairs at risk first (never met, then longest since their last session):
    HR works down the list. One query: the AT_RISK_SHOWN quietest are picked first, then only
    they are joined to their people's names."""
    quietest = (
        with_quiet_since(pairs)
        .filter(quiet(cohorts, today))
        .order_by(F("session_totals__last_held_on").asc(nulls_first=True), "pk")
        .values("pk")[:AT_RISK_SHOWN]
    )
    rows = [
        AtRiskPair(*row)
        for row in Pair.objects.filter(pk__in=quietest).values_list(
            "pk",
            "cohort__slug",
            "cohort__name",
            "junior_id",
            _name("junior"),
            "senior_id",
            _name("senior"),
            "session_totals__last_held_on",
        )
    ]
    rows.sort(key=lambda row: (row.last_session is not None, row.last_session or today, row.pk))
    return rows
