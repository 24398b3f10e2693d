"""Applying to a cohort and HR's decisions (DESIGN.md "Taking part by choice")."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import ProfileSkill
from mentoring.applications import services
from mentoring.applications.models import Application, Question
from mentoring.models import Cohort, Enrolment, OutboxMessage
from tests import factories


@pytest.fixture
def call(db):
    cohort = factories.CohortFactory(name="Spring", slug="spring", status=Cohort.Status.ENROLLING)
    call = services.call_save(
        cohort=cohort,
        is_open=True,
        closes_at=timezone.now() + timedelta(days=7),
        junior_places=1,
        senior_places=5,
    )
    services.question_add(call=call, kind=Question.Kind.TEXT, label="Why do you want to join?")
    services.question_add(call=call, kind=Question.Kind.TEACH, label="What can you teach?")
    services.question_add(
        call=call, kind=Question.Kind.CAPACITY, label="How many partners?", required=False
    )
    return call


def _answers(call, **extra) -> dict:
    why, teach, capacity = call.questions.order_by("position")
    return {
        "side": "junior",
        f"q{why.pk}": "I know our data tools well.",
        f"q{teach.pk}": "Excel:3; TikTok",
        f"q{capacity.pk}": "2",
        **extra,
    }


def test_a_signed_in_person_applies_once_however_often_they_submit(call, cast, login):
    client = login(cast.outsider)
    url = reverse("applications:apply", args=["spring"])
    first = client.post(url, _answers(call))
    second = client.post(url, _answers(call))
    assert first.status_code == 200 and b"Thank you" in first.content
    assert b"You applied on" in second.content
    assert Application.objects.filter(cohort=call.cohort, user=cast.outsider).count() == 1
    assert OutboxMessage.objects.filter(kind=services.RECEIVED).count() == 1


def test_someone_without_an_account_applies_through_the_invite_link(call, client):
    url = reverse("applications:apply", args=["spring"]) + f"?t={services.link_token(call)}"
    response = client.post(url, _answers(call, full_name="Nia New", email="Nia.New@Example.com"))
    assert b"Thank you" in response.content
    application = Application.objects.get()
    assert application.user.email == "nia.new@example.com"
    assert application.user.full_name == "Nia New"
    assert not application.user.has_usable_password()


def test_a_tampered_or_renewed_link_lets_nobody_apply(call, client):
    token = services.link_token(call)
    url = reverse("applications:apply", args=["spring"])
    assert client.get(f"{url}?t={token}x").status_code == 404
    services.link_renew(call=call)
    response = client.post(f"{url}?t={token}", _answers(call, full_name="N", email="n@x.com"))
    assert response.status_code == 404
    assert not Application.objects.exists()
    assert client.get(url).status_code == 302  # no link: log in first


def test_answers_with_control_characters_are_refused_with_a_message(call, cast, login):
    why = call.questions.order_by("position").first()
    response = login(cast.outsider).post(
        reverse("applications:apply", args=["spring"]),
        _answers(call, **{f"q{why.pk}": "fine\u202etxt.exe"}),
    )
    assert response.status_code == 422
    assert b"RIGHT-TO-LEFT OVERRIDE" in response.content
    assert not Application.objects.exists()


def test_a_closed_call_takes_no_application(call, cast, login):
    call.closes_at = timezone.now() - timedelta(minutes=1)
    call.save()
    response = login(cast.outsider).post(
        reverse("applications:apply", args=["spring"]), _answers(call)
    )
    assert b"Applications are closed" in response.content
    assert not Application.objects.exists()


def _apply(call, email: str, side: str = "junior") -> Application:
    application, _ = services.application_submit(
        call=call,
        applicant=services.Applicant(email=email, full_name=email.split("@")[0].title()),
        side=side,
        capacity=2,
        answers=[{"question": 0, "label": "Teach", "kind": "teach", "value": [["Excel", 3]]}],
    )
    return application


def test_approval_enrols_with_the_answers_and_invites_the_person(call, cast, login):
    application = _apply(call, "ana@example.com")
    response = login(cast.hr).post(
        reverse("applications:decide", args=["spring", application.pk, "approve"])
    )
    assert response.status_code == 302
    enrolment = Enrolment.objects.get(cohort=call.cohort, user__email="ana@example.com")
    assert (enrolment.side, enrolment.capacity) == ("junior", 2)
    skill = ProfileSkill.objects.get(profile__user=enrolment.user)
    assert (skill.skill.name, skill.kind, skill.level) == ("Excel", "teach", 3)
    assert OutboxMessage.objects.filter(recipient=enrolment.user, kind="invitation").count() == 1
    # A second click changes nothing.
    login(cast.hr).post(reverse("applications:decide", args=["spring", application.pk, "approve"]))
    assert OutboxMessage.objects.filter(recipient=enrolment.user, kind="invitation").count() == 1


def test_a_full_side_refuses_approval_and_the_wait_list_is_served_in_order(call, cast, login):
    first, second, third = (_apply(call, f"p{i}@example.com") for i in range(3))
    client = login(cast.hr)
    client.post(reverse("applications:decide", args=["spring", first.pk, "approve"]))
    response = client.post(
        reverse("applications:decide", args=["spring", second.pk, "approve"]), follow=True
    )
    assert b"places are taken" in response.content
    for application in (third, second):  # wait-listed out of order; served by application
        client.post(reverse("applications:decide", args=["spring", application.pk, "waitlist"]))
    response = client.post(
        reverse("applications:take_next", args=["spring", "junior"]), follow=True
    )
    assert b"No junior place is free" in response.content
    Enrolment.objects.filter(user__email="p0@example.com").update(status="withdrawn")
    client.post(reverse("applications:take_next", args=["spring", "junior"]))
    second.refresh_from_db()
    third.refresh_from_db()
    assert (second.state, third.state) == ("approved", "waitlisted")
    assert OutboxMessage.objects.filter(
        kind=services.DECIDED, recipient=third.user, payload__state="waitlisted"
    ).exists()


def test_a_declined_applicant_is_told_with_hrs_note(call, cast, login, client):
    application = _apply(call, "dee@example.com")
    login(cast.hr).post(
        reverse("applications:decide", args=["spring", application.pk, "decline"]),
        {"note": "Next cohort <b>please</b>"},
    )
    application.refresh_from_db()
    assert application.state == "declined"
    row = OutboxMessage.objects.get(kind=services.DECIDED, recipient=application.user)
    from mentoring import outbox

    email = outbox.kinds()[services.DECIDED].build(row)
    assert "Next cohort <b>please</b>" in email.text
    assert "&lt;b&gt;please" in email.html


def test_hr_reads_answers_escaped_and_filters_the_list(call, cast, login):
    hostile = _apply(call, "eve@example.com", side="senior")
    hostile.answers = [
        {"question": 1, "label": "Why?", "kind": "text", "value": "<script>x</script>"}
    ]
    hostile.save()
    _apply(call, "junior1@example.com")
    client = login(cast.hr)
    page = client.get(reverse("applications:detail", args=["spring", hostile.pk]))
    assert b"&lt;script&gt;x&lt;/script&gt;" in page.content and b"<script>x" not in page.content
    listing = client.get(reverse("applications:review", args=["spring"]) + "?side=senior")
    assert b"Eve" in listing.content and b"Junior1" not in listing.content


def test_only_hr_reviews_applications(call, cast, login):
    application = _apply(call, "zed@example.com")
    client = login(cast.junior)
    assert client.get(reverse("applications:review", args=["spring"])).status_code == 403
    response = client.post(
        reverse("applications:decide", args=["spring", application.pk, "approve"])
    )
    assert response.status_code == 403
    assert Application.objects.get().state == "pending"


def test_hr_adds_a_choice_question_in_the_browser(call, cast, login):
    client = login(cast.hr)
    client.post(
        reverse("applications:question_add", args=["spring"]),
        {"kind": "choice", "label": "Your office", "choices": "London\nLeeds", "required": "on"},
    )
    question = call.questions.get(label="Your office")
    assert question.choice_list == ["London", "Leeds"]
    form = client.get(reverse("applications:apply", args=["spring"]))
    assert b"Leeds" in form.content
