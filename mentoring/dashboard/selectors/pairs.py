"""The pairs in view (published pairs with at least one member among the counted enrolments)
as the board shows them: their figures per cohort (counted in census.py) and the quietest pairs
at risk, by name, for HR."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, NamedTuple

from django.db.models import CharField, Value
from django.db.models.functions import Coalesce, NullIf

from mentoring.models import Cohort, Enrolment

if TYPE_CHECKING:
    from mentoring.dashboard.selectors.census import QuietPair

# Pairs listed by name under "Pairs at risk" (each row is four links and a form): the quietest
# this many; the figure above the list counts every one.
AT_RISK_SHOWN = 50
MINUTES = ("reverse_minutes", "forward_minutes", "both_minutes")


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

    def total(self, name: str) -> int:
        return sum(getattr(cohort, name) for cohort in self.cohorts.values())


class AtRiskPair(NamedTuple):
    pk: int
    cohort_slug: str
    cohort_name: str
    junior_id: int  # enrolments
    junior_name: str
    senior_id: int
    senior_name: str
    last_session: date | None


def named(quietest: Sequence[QuietPair], cohorts: dict[int, Cohort]) -> list[AtRiskPair]:
    """The quietest pairs (never met, then longest since their last session: HR works down
    the list) with their people's names: one query; the cohorts are at hand."""
    if not quietest:
        return []
    names = dict(
        Enrolment.objects.filter(
            pk__in={member for pair in quietest for member in (pair.junior_id, pair.senior_id)}
        ).values_list(
            "pk",
            # As User.full_name: the profile's name, else the email.
            Coalesce(
                NullIf("user__profile__full_name", Value("")),
                "user__email",
                output_field=CharField(),
            ),
        )
    )
    return [
        AtRiskPair(
            pair.pk,
            cohorts[pair.cohort_id].slug,
            cohorts[pair.cohort_id].name,
            pair.junior_id,
            names[pair.junior_id],
            pair.senior_id,
            names[pair.senior_id],
            pair.last_session,
        )
        for pair in quietest
    ]
