"""What the programme moved: the impact survey's paired change per area, with its 95% confidence
interval, overall and per department; and how pairs say it is going (pulse, fit check).

Groups under MIN_GROUP respondents are suppressed for everybody: a mean of three answers says
more about three people than about the programme."""

from __future__ import annotations

import functools
import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from scipy import stats

from mentoring.dashboard.scope import MIN_GROUP
from mentoring.dashboard.sql import among_ids
from sessions_log.models import FitCheck, Pulse

AREA_LABELS = {
    "confidence": "Confidence",
    "certainty": "Certainty",
    "culture": "Culture",
    "celebration": "Celebration",
    "control": "Control",
    "connection": "Connection",
    "contribution": "Contribution",
    "new_perspectives": "New perspectives",
    "inclusion": "Sense of inclusion",
    "engagement": "Engagement",
}


@dataclass(frozen=True)
class Change:
    """Mean of (final − baseline) over people who answered both, with a t-based 95% CI."""

    n: int
    mean: float | None = None
    low: float | None = None
    high: float | None = None

    @property
    def suppressed(self) -> bool:
        return self.n < MIN_GROUP


def change_from_sums(n: int, total: int, squares: int) -> Change:
    """The paired change from n, Σd and Σd² (exact integers, so the database can add them)."""
    if n < MIN_GROUP:
        return Change(n=n)
    mean = total / n
    variance = max(0.0, (squares - total * total / n) / (n - 1))
    half = _t975(n - 1) * math.sqrt(variance / n)
    return Change(n=n, mean=round(mean, 2), low=round(mean - half, 2), high=round(mean + half, 2))


@functools.lru_cache(maxsize=4096)
def _t975(degrees_of_freedom: int) -> float:
    return float(stats.t.ppf(0.975, degrees_of_freedom))


def paired_change(differences: list[int]) -> Change:
    return change_from_sums(len(differences), sum(differences), sum(d * d for d in differences))


@dataclass
class ImpactTable:
    areas: list[tuple[str, Change]]  # overall, per area
    departments: list[tuple[str, list[Change]]]  # per department, per area (same order)
    respondents: int  # people with both answers


def impact(groups: Mapping[str | None, tuple[int, list[int], list[int]]]) -> ImpactTable:
    """From the census's impact rows (selectors/census.py): per department as given, how many
    people answered both surveys and, per area (in AREA_LABELS' order), the sum of their
    changes and of the changes squared."""
    fields = list(AREA_LABELS)
    respondents = sum(n for n, _, _ in groups.values())
    overall = [
        (
            f,
            change_from_sums(
                respondents,
                sum(sums[i] for _, sums, _ in groups.values()),
                sum(squares[i] for _, _, squares in groups.values()),
            ),
        )
        for i, f in enumerate(fields)
    ]
    # Blank and missing departments are one row, "(none)".
    by_dept: dict[str, list[tuple[int, list[int], list[int]]]] = defaultdict(list)
    for department, group in groups.items():
        by_dept[department or "(none)"].append(group)
    departments = [
        (
            name,
            [
                change_from_sums(
                    sum(n for n, _, _ in rows),
                    sum(sums[i] for _, sums, _ in rows),
                    sum(squares[i] for _, _, squares in rows),
                )
                for i in range(len(fields))
            ],
        )
        for name, rows in sorted(by_dept.items())
    ]
    return ImpactTable(areas=overall, departments=departments, respondents=respondents)


@dataclass(frozen=True)
class Sentiment:
    pulse_n: int
    pulse_mean: float | None
    fit_n: int
    fit_yes: int | None
    fit_not_sure: int | None
    fit_no: int | None
    # Per check-in (period 0 is day 30, then every 60 days): (period, answers, mean or None).
    pulse_periods: list[tuple[int, int, float | None]] = field(default_factory=list)

    @property
    def pulse_suppressed(self) -> bool:
        return self.pulse_n < MIN_GROUP

    @property
    def fit_suppressed(self) -> bool:
        return self.fit_n < MIN_GROUP


def sentiment(pair_ids: list[int] | None, scope, filters) -> Sentiment:
    """Pulse and fit-check answers from the counted people, in the counted pairs (None: all)."""
    pulses, fits = Pulse.objects.all(), FitCheck.objects.all()
    if pair_ids is not None:
        pulses = pulses.filter(among_ids("pair_id", pair_ids))
        fits = fits.filter(among_ids("pair_id", pair_ids))
    if scope.user_ids is not None:
        pulses = pulses.filter(among_ids("respondent_id", scope.user_ids))
        fits = fits.filter(among_ids("respondent_id", scope.user_ids))
    if filters.department:
        pulses = pulses.filter(respondent__profile__department__iexact=filters.department)
        fits = fits.filter(respondent__profile__department__iexact=filters.department)
    # Grouped by check-in (a handful of rows); the overall figures are their sums.
    periods = list(
        pulses.values_list("period").annotate(Count("pk"), Sum("score")).order_by("period")
    )
    pulse_n = sum(n for _, n, _ in periods)
    pulse_mean = sum(total for _, _, total in periods) / pulse_n if pulse_n else None
    answers = fits.aggregate(
        n=Count("pk"),
        yes=Count("pk", filter=Q(answer="yes")),
        not_sure=Count("pk", filter=Q(answer="not_sure")),
        no=Count("pk", filter=Q(answer="no")),
    )
    shown = answers["n"] >= MIN_GROUP

    def part(count: int) -> int | None:
        # "1 not working" out of a manager's few pairs points at one pair.
        if not shown or (scope.suppresses and count < MIN_GROUP):
            return None
        return count

    return Sentiment(
        pulse_n=pulse_n,
        pulse_mean=round(pulse_mean, 2)
        if pulse_mean is not None and pulse_n >= MIN_GROUP
        else None,
        pulse_periods=[
            (period, n, round(total / n, 2) if n >= MIN_GROUP else None)
            for period, n, total in periods
        ],
        fit_n=answers["n"],
        fit_yes=part(answers["yes"]),
        fit_not_sure=part(answers["not_sure"]),
        fit_no=part(answers["no"]),
    )
