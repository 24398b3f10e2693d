"""The pairing app's answers to the core's events (connected in PairingConfig.ready())."""

from __future__ import annotations

from django.db import transaction

from mentoring.models import Cohort, Enrolment
from mentoring.services.enrolments import enrolment_withdrawn
from pairing.services.digest import schedule_hr_digest
from pairing.services.never_again import end_pairs_of, remember_closed_cohort


def on_enrolment_withdrawn(sender, *, enrolment: Enrolment, **kwargs) -> list[str]:
    """A withdrawal ends the person's pairs; their partners wait for the next top-up."""

    notes = end_pairs_of(enrolment, reason="withdrawn by HR")
    if notes:
        transaction.on_commit(schedule_hr_digest)
    return notes


def on_cohort_saved(sender, *, instance: Cohort, **kwargs) -> None:
    """A closed cohort's pairs become past pairs: hashed, so never proposed again."""
    if instance.status == Cohort.Status.CLOSED:
        remember_closed_cohort(instance)


def connect() -> None:
    from django.db.models.signals import post_save

    enrolment_withdrawn.connect(on_enrolment_withdrawn, dispatch_uid="pairing.withdrawn")
    post_save.connect(on_cohort_saved, sender=Cohort, dispatch_uid="pairing.cohort_closed")
