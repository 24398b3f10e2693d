"""Programmes and cohorts: create, edit, archive, and move a cohort through its stages."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from mentoring.models import Cohort, Enrolment, Programme


class CohortMoveRefused(Exception):
    """The cohort cannot take this step now; the message says why, in HR's words."""


# A cohort dated year 1 or 9999 is a typo, and date arithmetic on it (a survey two weeks before
# the end, a step due in week 3) overflows. These bounds keep every cohort well inside.
EARLIEST_COHORT_DATE = date(2000, 1, 1)
LATEST_COHORT_DATE = date(2100, 12, 31)
LONGEST_COHORT_YEARS = 5


def cohort_dates_refusals(*, starts_on: date | None, ends_on: date | None) -> dict[str, str]:
    """Why these cohort dates cannot be saved, per field ("starts_on", "ends_on"); empty when
    they can. Either date may be left open."""
    refusals: dict[str, str] = {}
    bounds = f"{EARLIEST_COHORT_DATE:%-d %B %Y} and {LATEST_COHORT_DATE:%-d %B %Y}"
    for field, day in (("starts_on", starts_on), ("ends_on", ends_on)):
        if day is not None and not EARLIEST_COHORT_DATE <= day <= LATEST_COHORT_DATE:
            refusals[field] = f"Choose a date between {bounds}."
    if starts_on and ends_on and not refusals:
        if ends_on < starts_on:
            refusals["ends_on"] = "The cohort must end on or after the day it starts."
        elif (ends_on - starts_on).days > LONGEST_COHORT_YEARS * 366:
            refusals["ends_on"] = (
                f"A cohort runs for at most {LONGEST_COHORT_YEARS} years; "
                "choose an earlier end date."
            )
    return refusals


@transaction.atomic
def programme_archive(*, programme: Programme) -> Programme:
    """Archived programmes (and their cohorts) leave the HR home page; nothing is deleted."""
    programme.archived_at = timezone.now()
    programme.save(update_fields=["archived_at"])
    return programme


@transaction.atomic
def programme_restore(*, programme: Programme) -> Programme:
    programme.archived_at = None
    programme.save(update_fields=["archived_at"])
    return programme


@transaction.atomic
def cohort_archive(*, cohort: Cohort) -> Cohort:
    if cohort.status not in (Cohort.Status.DRAFT, Cohort.Status.CLOSED):
        raise CohortMoveRefused(
            f"{cohort.name} is {cohort.get_status_display().lower()}: only a draft or a closed "
            "cohort can be archived. Close it first."
        )
    cohort.archived_at = timezone.now()
    cohort.save(update_fields=["archived_at"])
    return cohort


@transaction.atomic
def cohort_restore(*, cohort: Cohort) -> Cohort:
    cohort.archived_at = None
    cohort.save(update_fields=["archived_at"])
    return cohort


def _refusal(cohort: Cohort, status: str) -> str:
    """Why the cohort cannot move to ``status``, or '' when it can."""
    if cohort.archived_at:
        return "This cohort is archived; restore it first."
    if not cohort.can_move_to(status):
        allowed = ", ".join(
            Cohort.Status(s).label.lower() for s in cohort.TRANSITIONS[cohort.status]
        )
        return (
            f"A {cohort.get_status_display().lower()} cohort cannot become "
            f"{Cohort.Status(status).label.lower()}"
            + (f" (it can become: {allowed})." if allowed else "; it is finished.")
        )
    active = Enrolment.objects.filter(cohort=cohort, status=Enrolment.Status.ACTIVE)
    if status == Cohort.Status.PAIRING:
        sides = set(active.values_list("side", flat=True).distinct())
        if sides != {"junior", "senior"}:
            return "Pairing needs at least one junior and one senior enrolled."
    if (
        status == Cohort.Status.ACTIVE
        and not cohort.pairs.filter(status="active", published_at__isnull=False).exists()
    ):
        return "Publish pairs on the pairing board first; the cohort becomes active with them."
    if (
        status == Cohort.Status.ENROLLING
        and cohort.status == Cohort.Status.PAIRING
        and cohort.pairs.filter(status="active", published_at__isnull=False).exists()
    ):
        return "Pairs are already published; the cohort cannot go back to enrolling."
    return ""


@transaction.atomic
def cohort_move(*, cohort: Cohort, status: str) -> Cohort:
    """Move the cohort one step along draft → enrolling → pairing → active → closed."""
    cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    if status not in Cohort.Status.values:
        raise CohortMoveRefused(f"{status!r} is not a cohort stage.")
    reason = _refusal(cohort, status)
    if reason:
        raise CohortMoveRefused(reason)
    cohort.move_to(status)
    return cohort
