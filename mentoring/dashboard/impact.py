"""What the programme moved: the impact survey's paired change per area, with its 95% confidence
interval, overall and per department; and how pairs say it is going (pulse, fit check).

Groups under MIN_GROUP respondents are suppressed for everybody: a mean of three answers says
more about three people than about the programme."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Avg, Count, Q, QuerySet
from scipy import stats

from mentoring.dashboard.scope import MIN_GROUP
from mentoring.models import Enrolment
from sessions_log.models import FitCheck, ImpactSurvey, Pulse

AREA_LABELS = {
    "confidence": "Confidence", "certainty": "Certainty", "culture": "Culture",
    "celebration": "Celebration", "control": "Control", "connection": "Connection",
    "contribution": "Contribution", "new_perspectives": "New perspectives",
    "inclusion": "Sense of inclusion", "engagement": "Engagement",
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


def paired_change(differences: list[int]) -> Change:
    n = len(differences)
    if n < MIN_GROUP:
        return Change(n=n)
    mean = sum(differences) / n
    variance = sum((d - mean) ** 2 for d in differences) / (n - 1)
    half = stats.t.ppf(0.975, n - 1) * math.sqrt(variance / n)
    return Change(n=n, mean=round(mean, 2), low=round(mean - half, 2), high=round(mean + half, 2))


@dataclass
class ImpactTable:
    areas: list[tuple[str, Change]]                      # overall, per area
    departments: list[tuple[str, list[Change]]]          # per department, per area (same order)
    respondents: int                                     # people with both answers


def impact(enrolments: QuerySet[Enrolment]) -> ImpactTable:
    fields = list(AREA_LABELS)
    answers: dict[int, dict[str, dict]] = defaultdict(dict)
    department: dict[int, str] = {}
    rows = (ImpactSurvey.objects.filter(enrolment__in=enrolments.values("pk"))
            .values("enrolment_id", "stage", "enrolment__user__profile__department", *fields))
    for row in rows:
        answers[row["enrolment_id"]][row["stage"]] = row
        department[row["enrolment_id"]] = row["enrolment__user__profile__department"] or "(none)"
    paired = {eid: a for eid, a in answers.items() if "baseline" in a and "final" in a}
    overall = [(f, paired_change([a["final"][f] - a["baseline"][f] for a in paired.values()]))
               for f in fields]
    by_dept: dict[str, list[int]] = defaultdict(list)
    for eid in paired:
        by_dept[department[eid]].append(eid)
    departments = [
        (name, [paired_change([paired[e]["final"][f] - paired[e]["baseline"][f] for e in ids])
                for f in fields])
        for name, ids in sorted(by_dept.items())
    ]
    return ImpactTable(areas=overall, departments=departments, respondents=len(paired))


@dataclass(frozen=True)
class Sentiment:
    pulse_n: int
    pulse_mean: float | None
    fit_n: int
    fit_yes: int | None
    fit_not_sure: int | None
    fit_no: int | None

    @property
    def pulse_suppressed(self) -> bool:
        return self.pulse_n < MIN_GROUP

    @property
    def fit_suppressed(self) -> bool:
        return self.fit_n < MIN_GROUP


def sentiment(pair_ids: list[int], scope, filters) -> Sentiment:
    """Pulse and fit-check answers from the counted people, in the counted pairs."""
    pulses = Pulse.objects.filter(pair_id__in=pair_ids)
    fits = FitCheck.objects.filter(pair_id__in=pair_ids)
    if scope.user_ids is not None:
        pulses = pulses.filter(respondent_id__in=scope.user_ids)
        fits = fits.filter(respondent_id__in=scope.user_ids)
    if filters.department:
        pulses = pulses.filter(respondent__profile__department__iexact=filters.department)
        fits = fits.filter(respondent__profile__department__iexact=filters.department)
    pulse = pulses.aggregate(n=Count("pk"), mean=Avg("score"))
    answers = fits.aggregate(
        n=Count("pk"), yes=Count("pk", filter=Q(answer="yes")),
        not_sure=Count("pk", filter=Q(answer="not_sure")), no=Count("pk", filter=Q(answer="no")))
    shown = answers["n"] >= MIN_GROUP
    return Sentiment(
        pulse_n=pulse["n"],
        pulse_mean=round(pulse["mean"], 2) if pulse["n"] >= MIN_GROUP else None,
        fit_n=answers["n"],
        fit_yes=answers["yes"] if shown else None,
        fit_not_sure=answers["not_sure"] if shown else None,
        fit_no=answers["no"] if shown else None,
    )
