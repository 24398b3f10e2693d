"""Two HR admins add the same new person at the same moment: the second gets a plain answer,
never a 500, and the person is enrolled once."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.db import IntegrityError

from accounts.models import User
from mentoring.models import Enrolment
from mentoring.services import enrolments
from tests.mentoring.test_cohort_enrolments import person

pytestmark = pytest.mark.django_db


class _LookupBeforeTheOtherCommit:
    """User.objects as seen by a request whose look-up ran just before the other admin's
    request committed the same person: the first look-up misses, the insert then collides."""

    def __init__(self, email: str) -> None:
        self.email, self.missed = email, False

    def filter(self, **lookup):
        if lookup.get("email__iexact") == self.email and not self.missed:
            self.missed = True
            return User.objects.none()
        return User.objects.filter(**lookup)

    def create_user(self, **fields):
        return User.objects.create_user(**fields)


def test_the_slower_of_two_people_adding_the_same_person_is_told_they_are_enrolled(
    cast, hr_client, monkeypatch
):
    enrolments.participant_add(  # the other admin, a moment earlier
        cohort=cast.cohort,
        person=enrolments.NewParticipant(
            email="new.person@example.com", full_name="Nia Reid", side="junior"
        ),
    )
    monkeypatch.setattr(
        enrolments,
        "User",
        SimpleNamespace(objects=_LookupBeforeTheOtherCommit("new.person@example.com")),
    )
    response = hr_client.post(f"/cohorts/{cast.cohort.slug}/people/add/", person())
    assert response.status_code == 200
    assert "new.person@example.com is already enrolled in Autumn as a junior" in (
        response.content.decode()
    )
    assert User.objects.filter(email="new.person@example.com").count() == 1
    assert (
        Enrolment.objects.filter(cohort=cast.cohort, user__email="new.person@example.com").count()
        == 1
    )


def test_a_write_that_keeps_colliding_gets_a_friendly_message(cast, hr_client, monkeypatch):
    def always_collides(**kwargs):
        raise IntegrityError("UNIQUE constraint failed: accounts_user.email")

    monkeypatch.setattr(User.objects, "create_user", always_collides)
    response = hr_client.post(f"/cohorts/{cast.cohort.slug}/people/add/", person())
    assert response.status_code == 200
    assert "was being added by someone else at the same moment" in response.content.decode()
    assert not Enrolment.objects.filter(user__email="new.person@example.com").exists()
