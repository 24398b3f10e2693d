"""Who takes part: people and enrolments per department, whether a filtered board would give
away a small group, and which programmes, cohorts and departments each filter offers."""

from __future__ import annotations

from dataclasses import dataclass, replace

from mentoring.dashboard.scope import MIN_GROUP, Scope
from mentoring.dashboard.selectors.census import roster_in_view
from mentoring.dashboard.selectors.filters import Filters
from mentoring.models import Cohort, Programme


def complement_too_small(scope: Scope, filters: Filters, people: int) -> bool:
    """A filtered board next to the unfiltered one gives away their difference: when the
    people a filter leaves out are fewer than MIN_GROUP (and not none), the filtered board is
    hidden as if it were that small group."""
    wider = []
    if filters.department:
        wider.append(replace(filters, department=""))
    if filters.cohort:
        wider.append(replace(filters, cohort=None))
    for unfiltered in wider:
        left_out = roster_in_view(scope, unfiltered).values("user_id").distinct().count() - people
        if 0 < left_out < MIN_GROUP:
            return True
    return False


def departments_per_cohort(scope: Scope) -> dict[int, set[str]]:
    """The departments (as people gave them) each live cohort has among the people this viewer
    may count: a manager picks among their own line's, not the whole organisation's."""
    present = roster_in_view(scope, Filters())
    found: dict[int, set[str]] = {}
    for cohort_id, department in (
        present.values_list("cohort_id", "department").distinct().order_by()
    ):
        if department:
            found.setdefault(cohort_id, set()).add(department)
    return found


@dataclass
class Choices:
    programmes: list[Programme]
    cohorts: list[Cohort]
    departments: list[str]


def filter_choices(
    scope: Scope,
    chosen: Filters,
    cohorts: list[Cohort],
    departments_in: dict[int, set[str]] | None = None,
) -> Choices:
    """Each filter offers only what the others leave: cohorts of the chosen programme that have
    people of the chosen department, departments present in the chosen programme or cohort,
    programmes with people of the chosen department. ``cohorts`` are every cohort, ordered by
    programme name and newest first; ``departments_in``: which departments each live cohort has
    among the people this viewer may count, when already known, else read here (one query). A
    chosen value always stays on offer, so it can be seen and cleared."""
    live = [c for c in cohorts if c.archived_at is None and c.programme.archived_at is None]
    if departments_in is None:
        departments_in = departments_per_cohort(scope)
    wanted = chosen.department.lower()

    def has_department(cohort: Cohort) -> bool:
        return not wanted or any(d.lower() == wanted for d in departments_in.get(cohort.pk, ()))

    in_programme = [
        c for c in live if not chosen.programme or c.programme_id == chosen.programme.pk
    ]
    programmes = {c.programme_id: c.programme for c in live if has_department(c)}
    if chosen.programme:
        programmes[chosen.programme.pk] = chosen.programme
    narrowed = [chosen.cohort] if chosen.cohort else in_programme
    names = {d for c in narrowed for d in departments_in.get(c.pk, ())}
    if chosen.department and not any(d.lower() == wanted for d in names):
        names.add(chosen.department)
    return Choices(
        programmes=sorted(programmes.values(), key=lambda p: p.name),
        cohorts=[c for c in in_programme if has_department(c) or c == chosen.cohort],
        departments=sorted(names, key=str.lower),
    )
