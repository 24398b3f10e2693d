"""What every HR page module looks up the same way."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from mentoring.models import Cohort, Programme

PEOPLE_PER_PAGE = 100
INVITATION_STATES = {
    "not_invited": "Not invited",
    "invited": "Invited, not accepted",
    "accepted": "Accepted",
    "incomplete": "Profile incomplete",
}


def _programme_for(slug: str) -> Programme:
    return get_object_or_404(Programme, slug=slug)


def _cohort_for(slug: str) -> Cohort:
    return get_object_or_404(Cohort.objects.select_related("programme"), slug=slug)
