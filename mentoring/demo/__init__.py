"""The demo organisation behind `manage.py seed_demo`: its fixed names (`names`), what its
people are made of (`catalogue`), the programme and cohorts (`organisation`), the staff of the
current and past cohorts (`people`) and the next cohort, mid-enrolment (`upcoming`).

Everything is created in bulk and keyed by natural keys (emails, slugs, skill names) with
``ignore_conflicts``, so a second run adds nothing and 5,000 participants take seconds.
"""

from mentoring.demo.catalogue import (
    DEPARTMENTS,
    FORWARD_SKILLS,
    LOCATIONS,
    REVERSE_SKILLS,
)
from mentoring.demo.names import (
    CURRENT_COHORT_SLUG,
    DEMO_PASSWORD,
    DEMO_PLAN,
    HR_EMAIL,
    JUNIOR_EMAIL,
    MANAGER_EMAIL,
    PAST_COHORT_SLUG,
    PROGRAMME_SLUG,
    SENIOR_EMAIL,
    UPCOMING_COHORT_SLUG,
)
from mentoring.demo.organisation import COHORT_PEOPLE, DemoOrganisation, seed_organisation

__all__ = [
    "COHORT_PEOPLE",
    "CURRENT_COHORT_SLUG",
    "DEMO_PASSWORD",
    "DEMO_PLAN",
    "DEPARTMENTS",
    "FORWARD_SKILLS",
    "HR_EMAIL",
    "JUNIOR_EMAIL",
    "LOCATIONS",
    "MANAGER_EMAIL",
    "PAST_COHORT_SLUG",
    "PROGRAMME_SLUG",
    "REVERSE_SKILLS",
    "SENIOR_EMAIL",
    "UPCOMING_COHORT_SLUG",
    "DemoOrganisation",
    "seed_organisation",
]
