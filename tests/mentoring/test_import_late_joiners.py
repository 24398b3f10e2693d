"""A staff file imported into an active cohort invites its late joiners at once, as adding a
person by hand does; anywhere else invitations stay HR's decision."""

from __future__ import annotations

import pytest

from mentoring.imports.services import import_commit, read_upload
from mentoring.models import Cohort, Enrolment, OutboxMessage
from mentoring.services.invitations import INVITATION
from tests import factories
from tests.mentoring.files.staff import csv_bytes, person

pytestmark = pytest.mark.django_db


def commit(cohort, rows):
    return import_commit(cohort=cohort, staff_file=read_upload("staff.csv", csv_bytes(rows)))


def invited_emails() -> set[str]:
    return set(
        OutboxMessage.objects.filter(kind=INVITATION).values_list("recipient__email", flat=True)
    )


def test_people_imported_into_an_active_cohort_are_invited_at_once():
    cohort = factories.CohortFactory(status=Cohort.Status.ACTIVE)
    already = factories.EnrolmentFactory(cohort=cohort, user__email="old@example.com")
    report = commit(
        cohort,
        [
            person("old@example.com"),
            person("new@example.com"),
            person("late@example.com", side="senior"),
        ],
    )
    assert report.committed
    # The person already enrolled (and never invited by HR) is left to HR.
    assert invited_emails() == {"new@example.com", "late@example.com"}
    assert not Enrolment.objects.get(pk=already.pk).invited_at
    assert Enrolment.objects.filter(cohort=cohort, invited_at__isnull=False).count() == 2
    assert any("2 people joining it are invited now" in notice for notice in report.notices)


def test_importing_the_same_file_again_sends_no_second_invitation():
    cohort = factories.CohortFactory(status=Cohort.Status.ACTIVE)
    rows = [person("new@example.com")]
    commit(cohort, rows)
    again = commit(cohort, rows)
    assert OutboxMessage.objects.filter(kind=INVITATION).count() == 1
    assert not any("invited now" in notice for notice in again.notices)


@pytest.mark.parametrize("status", [Cohort.Status.DRAFT, Cohort.Status.ENROLLING])
def test_a_cohort_not_yet_running_waits_for_hr_to_invite(status):
    cohort = factories.CohortFactory(status=status)
    commit(cohort, [person("new@example.com")])
    assert not OutboxMessage.objects.filter(kind=INVITATION).exists()
    assert Cohort.objects.get(pk=cohort.pk).status == status
