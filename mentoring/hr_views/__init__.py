"""HR's pages for programmes, cohorts, the people enrolled and their invitations, split by
sub-domain; the URL confs import the views from here."""

from mentoring.hr_views.cohorts import (
    cohort_archive,
    cohort_create,
    cohort_detail,
    cohort_edit,
    cohort_status,
)
from mentoring.hr_views.enrolments import enrolment_add, enrolment_edit
from mentoring.hr_views.invitations import cohort_invite, cohort_remind, invitation_resend
from mentoring.hr_views.programmes import (
    programme_archive,
    programme_create,
    programme_detail,
    programme_edit,
)

__all__ = [
    "cohort_archive",
    "cohort_create",
    "cohort_detail",
    "cohort_edit",
    "cohort_invite",
    "cohort_remind",
    "cohort_status",
    "enrolment_add",
    "enrolment_edit",
    "invitation_resend",
    "programme_archive",
    "programme_create",
    "programme_detail",
    "programme_edit",
]
