import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from mentoring import outbox
from mentoring.models import Enrolment, OutboxMessage
from tests import factories

pytestmark = pytest.mark.django_db


def invitee(cohort, side="junior", **kwargs) -> Enrolment:
    """Somebody imported into the cohort: no password yet, never signed in."""
    user = factories.UserFactory(verified=False, **kwargs)
    user.set_unusable_password()
    user.save()
    return factories.EnrolmentFactory(cohort=cohort, user=user, side=side)


@pytest.fixture
def enrolling(cast):
    cohort = factories.CohortFactory(status="draft", slug="spring", name="Spring")
    return cohort, [invitee(cohort, profile__full_name=f"Person {i}") for i in range(3)]


def link_in(message) -> str:
    return re.search(r"https?://[^\s\"<]+/accounts/invite/[^\s\"<]+", message.body).group(0)


def test_invite_all_sends_one_email_each_even_on_a_double_click(enrolling, hr_client):
    cohort, people = enrolling
    for _ in range(2):  # HR clicks twice
        hr_client.post(f"/cohorts/{cohort.slug}/invite/", {"action": "all"})
    assert OutboxMessage.objects.filter(kind="invitation").count() == 3
    outbox.send_due()
    outbox.send_due()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(e.user.email for e in people)
    message = mail.outbox[0]
    assert "Spring" in message.subject
    assert "/accounts/invite/" in message.body
    assert message.alternatives and "Accept your invitation" in message.alternatives[0][0]
    for e in people:
        e.refresh_from_db()
        assert e.invited_at and e.invitations_sent == 1
    cohort.refresh_from_db()
    assert cohort.status == "enrolling"  # inviting opened enrolment
    page = hr_client.get(f"/cohorts/{cohort.slug}/").content.decode()
    assert "Invited " in page and "state-none" not in page


def test_the_service_itself_is_idempotent(enrolling):
    from mentoring.services.invitations import invitations_send

    cohort, _ = enrolling
    assert invitations_send(cohort=cohort).scheduled == 3
    again = invitations_send(cohort=cohort)
    assert again.scheduled == 0 and again.already_invited == 3
    assert OutboxMessage.objects.filter(kind="invitation").count() == 3


def test_hr_can_invite_a_selection_only(enrolling, hr_client):
    cohort, people = enrolling
    stranger = factories.EnrolmentFactory()  # another cohort's: never invited from here
    hr_client.post(
        f"/cohorts/{cohort.slug}/invite/",
        {"action": "selected", "enrolment": [people[0].pk, stranger.pk, "junk"]},
    )
    assert list(OutboxMessage.objects.values_list("recipient", flat=True)) == [people[0].user_id]
    response = hr_client.post(
        f"/cohorts/{cohort.slug}/invite/", {"action": "selected"}, follow=True
    )
    assert "Tick the people to invite first." in response.content.decode()


def test_withdrawn_people_and_closed_cohorts_get_no_invitation(enrolling, hr_client):
    cohort, people = enrolling
    people[0].status = Enrolment.Status.WITHDRAWN
    people[0].save()
    hr_client.post(f"/cohorts/{cohort.slug}/invite/", {"action": "all"})
    assert OutboxMessage.objects.count() == 2
    closed = factories.CohortFactory(status="closed")
    invitee(closed)
    response = hr_client.post(f"/cohorts/{closed.slug}/invite/", {"action": "all"}, follow=True)
    assert "is closed" in response.content.decode()
    assert OutboxMessage.objects.count() == 2


def test_the_emailed_link_lets_the_person_in_and_marks_them_accepted(enrolling, hr_client, client):
    cohort, people = enrolling
    hr_client.post(f"/cohorts/{cohort.slug}/invite/", {"action": "all"})
    outbox.send_due()
    person = people[0].user
    message = next(m for m in mail.outbox if m.to == [person.email])
    path = link_in(message).split("://", 1)[1].split("/", 1)[1]
    hr_client.logout()
    response = client.get("/" + path)
    assert response.status_code == 200 and person.email in response.content.decode()
    client.post(
        "/" + path, {"new_password1": "a-long-Passphrase-1", "new_password2": "a-long-Passphrase-1"}
    )
    person.refresh_from_db()
    assert person.has_usable_password()


def test_acceptance_shows_on_the_cohort_page(enrolling, hr_client):
    cohort, people = enrolling
    hr_client.post(f"/cohorts/{cohort.slug}/invite/", {"action": "all"})
    people[1].user.set_password("a-long-Passphrase-1")
    people[1].user.save()
    page = hr_client.get(f"/cohorts/{cohort.slug}/?state=accepted").content.decode()
    assert "Person 1" in page and "Person 0" not in page
    assert re.search(r'1</span>\s*<small class="muted">accepted', page)


def test_resend_sends_a_second_email_but_not_twice_in_five_minutes(enrolling, hr_client):
    cohort, people = enrolling
    enrolment = people[0]
    url = f"/cohorts/{cohort.slug}/people/{enrolment.pk}/resend/"
    hr_client.post(f"/cohorts/{cohort.slug}/invite/", {"action": "all"})
    response = hr_client.post(url, follow=True)
    assert "less than five minutes ago" in response.content.decode()
    assert OutboxMessage.objects.filter(recipient=enrolment.user).count() == 1
    Enrolment.objects.filter(pk=enrolment.pk).update(
        invited_at=timezone.now() - timedelta(minutes=6)
    )
    response = hr_client.post(url, follow=True)
    page = response.content.decode()
    assert f"A new invitation is on its way to {enrolment.user.full_name}." in page
    hr_client.post(url)  # a quick second click
    rows = OutboxMessage.objects.filter(recipient=enrolment.user).order_by("pk")
    assert [r.dedupe_key for r in rows] == [
        f"invitation:{enrolment.pk}",
        f"invitation:{enrolment.pk}:resend:1",
    ]
    outbox.send_due()
    assert len([m for m in mail.outbox if m.to == [enrolment.user.email]]) == 2
    enrolment.refresh_from_db()
    assert enrolment.invitations_sent == 2


def test_resend_to_somebody_never_invited_is_their_first_invitation(enrolling, hr_client):
    cohort, people = enrolling
    hr_client.post(f"/cohorts/{cohort.slug}/people/{people[2].pk}/resend/")
    assert OutboxMessage.objects.get().dedupe_key == f"invitation:{people[2].pk}"
    hr_client.post(f"/cohorts/{cohort.slug}/invite/", {"action": "all"})
    assert OutboxMessage.objects.filter(recipient=people[2].user).count() == 1


def test_resend_is_refused_for_somebody_who_has_accepted(cast, hr_client):
    enrolment = cast.pair.junior  # has a password
    response = hr_client.post(
        f"/cohorts/{cast.cohort.slug}/people/{enrolment.pk}/resend/", follow=True
    )
    assert "has already accepted" in response.content.decode()
    assert not OutboxMessage.objects.filter(kind="invitation").exists()


def test_an_invitation_to_a_withdrawn_person_is_never_sent(enrolling, hr_client):
    cohort, people = enrolling
    hr_client.post(f"/cohorts/{cohort.slug}/invite/", {"action": "all"})
    hr_client.post(
        f"/cohorts/{cohort.slug}/people/{people[0].pk}/",
        {"side": "junior", "capacity": 1, "status": "withdrawn"},
    )
    outbox.send_due()
    assert people[0].user.email not in [m.to[0] for m in mail.outbox]
    assert len(mail.outbox) == 2


def test_somebody_already_signed_up_gets_a_log_in_link_not_an_invite(cast):
    from mentoring.services.invitations import invitations_send

    cohort = factories.CohortFactory(status="enrolling")
    factories.EnrolmentFactory(cohort=cohort, user=cast.outsider)
    invitations_send(cohort=cohort)
    outbox.send_due()
    (message,) = mail.outbox
    assert "/accounts/login/" in message.body and "/accounts/invite/" not in message.body


def test_hr_can_read_the_invitation_before_sending_it(enrolling, hr_client):
    cohort, _ = enrolling
    page = hr_client.get(f"/cohorts/{cohort.slug}/").content.decode()
    assert "What the invitation email says" in page
    assert "You&#x27;re invited to" in page and "Hello Alex," in page
    assert not OutboxMessage.objects.exists()


def test_hr_reminds_people_who_signed_in_but_did_not_finish_once_a_day(cast, hr_client):
    cohort = factories.CohortFactory(status="enrolling", slug="remind")
    started = factories.EnrolmentFactory(cohort=cohort).user  # signed up, no skills yet
    done = factories.EnrolmentFactory(
        cohort=cohort, user=factories.UserFactory(profile__hopes="Learn the board's view")
    ).user
    for kind in ("teach", "learn"):
        factories.ProfileSkillFactory(profile=done.profile, kind=kind)
    invitee(cohort)  # not accepted yet: the invitation is their reminder
    page = hr_client.get(f"/cohorts/{cohort.slug}/").content.decode()
    assert "Remind 1 to finish their profile" in page
    for _ in range(2):
        hr_client.post(f"/cohorts/{cohort.slug}/remind/")
    assert list(OutboxMessage.objects.values_list("recipient", flat=True)) == [started.pk]
    outbox.send_due()
    (message,) = mail.outbox
    assert message.to == [started.email] and "skills to teach" in message.body
    assert "/accounts/profile/" in message.body


def test_a_profile_reminder_is_dropped_if_the_profile_got_finished(cast):
    from mentoring.services.invitations import profile_reminders_send

    cohort = factories.CohortFactory(status="enrolling")
    person = factories.EnrolmentFactory(cohort=cohort).user
    assert profile_reminders_send(cohort=cohort) == 1
    person.profile.hopes = "Plenty"
    person.profile.save()
    for kind in ("teach", "learn"):
        factories.ProfileSkillFactory(profile=person.profile, kind=kind)
    outbox.send_due()
    assert not mail.outbox
    assert OutboxMessage.objects.get().skipped_reason == "nothing to send any more"
