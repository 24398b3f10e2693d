"""CSV files HR downloads: the blank template and a cohort's people in the import format.

Every cell that a spreadsheet would run as a formula gets a leading quote; the import takes
that quote off again, so an export re-imports unchanged.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict

from accounts.models import ProfileSkill
from mentoring.imports.parse import ALL_COLUMNS
from mentoring.lib.spreadsheet import neutralise
from mentoring.models import Cohort, Enrolment

TEMPLATE_ROWS: tuple[dict[str, str], ...] = (
    {
        "email": "asha.okafor@example.com",
        "full_name": "Asha Okafor",
        "side": "junior",
        "job_title": "Data Analyst",
        "department": "Data",
        "location": "Manchester",
        "manager_email": "",
        "teaches": "TikTok:3; Generative AI tools:3; Data visualisation",
        "wants_to_learn": "Stakeholder management:3; Negotiation",
        "capacity": "1",
        "timezone": "Europe/London",
        "grade": "2",
        "employee_id": "E1001",
    },
    {
        "email": "robert.lindqvist@example.com",
        "full_name": "Robert Lindqvist",
        "side": "senior",
        "job_title": "Director of Brand",
        "department": "Marketing",
        "location": "London",
        "manager_email": "",
        "teaches": "Negotiation:3; Stakeholder management:2",
        "wants_to_learn": "TikTok:3; Generative AI tools:2",
        "capacity": "2",
        "timezone": "Europe/London",
        "grade": "8",
        "employee_id": "E0042",
    },
)


def _csv(rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(ALL_COLUMNS)
    for row in rows:
        writer.writerow([neutralise(row.get(column, "")) for column in ALL_COLUMNS])
    return buffer.getvalue()


def template_csv() -> str:
    return _csv(list(TEMPLATE_ROWS))


def cohort_staff_rows(cohort: Cohort) -> list[dict[str, str]]:
    """The cohort's active participants as import rows; three queries whatever the size."""
    enrolments = list(
        Enrolment.objects.filter(cohort=cohort, status=Enrolment.Status.ACTIVE)
        .select_related("user__profile__manager")
        .order_by("user__email")
    )
    skills: dict[tuple[int, str], list[str]] = defaultdict(list)
    for user_id, kind, name, level in (
        ProfileSkill.objects.filter(
            profile__user__enrolments__cohort=cohort,
            profile__user__enrolments__status=Enrolment.Status.ACTIVE,
        )
        .order_by("skill__name")
        .values_list("profile__user_id", "kind", "skill__name", "level")
    ):
        skills[(user_id, kind)].append(f"{name}:{level}")
    rows = []
    for enrolment in enrolments:
        user = enrolment.user
        profile = getattr(user, "profile", None)
        manager = profile.manager if profile else None
        rows.append(
            {
                "email": user.email,
                "full_name": profile.full_name if profile else "",
                "side": enrolment.side,
                "job_title": profile.job_title if profile else "",
                "department": profile.department if profile else "",
                "location": profile.location if profile else "",
                "manager_email": manager.email if manager else "",
                "teaches": "; ".join(skills[(user.pk, ProfileSkill.Kind.TEACH)]),
                "wants_to_learn": "; ".join(skills[(user.pk, ProfileSkill.Kind.LEARN)]),
                "capacity": str(enrolment.capacity),
                "timezone": profile.timezone if profile else "",
                "grade": "" if not profile or profile.grade is None else str(profile.grade),
                "employee_id": profile.employee_id if profile else "",
            }
        )
    return rows


def cohort_staff_csv(cohort: Cohort) -> str:
    return _csv(cohort_staff_rows(cohort))
