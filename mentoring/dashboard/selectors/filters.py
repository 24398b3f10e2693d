"""What the dashboard is filtered by (programme, cohort, department in the query string) and
the enrolments it counts: active ones, in live cohorts, among the viewer's people."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TypeVar

from django.db.models import Model, QuerySet

from mentoring.dashboard.scope import Scope
from mentoring.dashboard.sql import among_ids
from mentoring.models import Cohort, Enrolment, Programme

_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,80}")


@dataclass(frozen=True)
class Filters:
    programme: Programme | None = None
    cohort: Cohort | None = None
    department: str = ""

    def described(self) -> list[tuple[str, str]]:
        """The filters in force, for the page's subtitle: (what, which)."""
        shown = []
        if self.programme:
            shown.append(("programme", self.programme.name))
        if self.cohort:
            shown.append(("cohort", self.cohort.name))
        if self.department:
            shown.append(("department", self.department))
        return shown

    def as_query(self) -> dict[str, str]:
        query = {}
        if self.programme:
            query["programme"] = self.programme.slug
        if self.cohort:
            query["cohort"] = self.cohort.slug
        if self.department:
            query["department"] = self.department
        return query


def parse_filters(params) -> Filters:
    """Unknown or malformed values are ignored rather than failing the page."""
    programme = cohort = None
    if (slug := params.get("programme", "").strip()) and _SLUG.fullmatch(slug):
        programme = Programme.objects.filter(slug=slug).first()
    if (slug := params.get("cohort", "").strip()) and _SLUG.fullmatch(slug):
        cohort = Cohort.objects.select_related("programme").filter(slug=slug).first()
        if cohort and programme and cohort.programme_id != programme.pk:
            cohort = None
    department = "".join(ch for ch in params.get("department", "") if ch.isprintable())
    return Filters(programme=programme, cohort=cohort, department=department.strip()[:200])


def counted_enrolments() -> QuerySet[Enrolment]:
    """The enrolments the dashboard counts, before scope and filters: active ones, in cohorts
    not archived."""
    return Enrolment.objects.filter(
        status=Enrolment.Status.ACTIVE, cohort__archived_at__isnull=True
    )


def enrolments_in_view(scope: Scope, filters: Filters) -> QuerySet[Enrolment]:
    return narrowed(counted_enrolments(), scope, filters, "user__profile__department")


_Rows = TypeVar("_Rows", bound=Model)


def narrowed(
    rows: QuerySet[_Rows], scope: Scope, filters: Filters, department: str
) -> QuerySet[_Rows]:
    """``rows`` (with ``cohort`` and ``user_id`` fields, and their person's department at
    ``department``) in the filtered cohort or programme, of the filtered department, among
    the viewer's people: the tests every dashboard read of enrolments makes."""
    if filters.cohort:
        rows = rows.filter(cohort=filters.cohort)
    elif filters.programme:
        rows = rows.filter(cohort__programme=filters.programme)
    if filters.department:
        rows = rows.filter(**{f"{department}__iexact": filters.department})
    if scope.user_ids is not None:
        rows = rows.filter(among_ids("user_id", scope.user_ids))
    return rows
