"""Factories for the participant journey (meetings, session logs, notes, goals, surveys)."""

from __future__ import annotations

from datetime import timedelta

import factory
import pytest
from django.utils import timezone

from sessions_log.models import (
    AgreementAcceptance,
    FitCheck,
    Goal,
    Meeting,
    PrivateNote,
    Pulse,
    SessionLog,
)
from tests.factories import PairFactory


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    pair = factory.SubFactory(PairFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=3))
    duration_minutes = 45
    location = "Café, floor 2"


class SessionLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SessionLog

    pair = factory.SubFactory(PairFactory)
    held_on = factory.LazyFunction(timezone.localdate)
    minutes = 60
    direction = SessionLog.Direction.REVERSE
    shared_summary = "We tried prompt writing together."
    logged_by = factory.LazyAttribute(lambda o: o.pair.junior.user)


class PrivateNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PrivateNote

    session_log = factory.SubFactory(SessionLogFactory)
    author = factory.LazyAttribute(lambda o: o.session_log.logged_by)
    body = "I felt nervous about asking."


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    pair = factory.SubFactory(PairFactory)
    owner = factory.LazyAttribute(lambda o: o.pair.senior.user)
    direction = factory.LazyAttribute(
        lambda o: "reverse" if o.owner.pk == o.pair.senior.user_id else "forward"
    )
    title = "Post on LinkedIn without cringing"


class FitCheckFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FitCheck

    pair = factory.SubFactory(PairFactory)
    respondent = factory.LazyAttribute(lambda o: o.pair.junior.user)
    answer = FitCheck.Answer.YES


class PulseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pulse

    pair = factory.SubFactory(PairFactory)
    respondent = factory.LazyAttribute(lambda o: o.pair.junior.user)
    period = 0
    score = 4


def both_accept(pair) -> None:
    for person in (pair.junior.user, pair.senior.user):
        AgreementAcceptance.objects.get_or_create(pair=pair, user=person)


@pytest.fixture
def login(client):
    """Sign in without the login form (it has its own tests)."""

    def _login(user):
        client.force_login(user)
        return client

    return _login
