import pytest

from accounts.models import User
from mentoring.models import Enrolment
from tests import factories

pytestmark = pytest.mark.django_db


def person(**overrides) -> dict:
    data = {
        "email": "New.Person@Example.com",
        "full_name": "  Nia   Reid ",
        "side": "junior",
        "capacity": 1,
        "job_title": "Analyst",
        "department": "Data",
        "location": "Leeds",
        "manager_email": "",
        "timezone": "Europe/Berlin",
    }
    data.update(overrides)
    return data


def test_hr_adds_a_new_person_by_hand(cast, hr_client):
    response = hr_client.post(
        f"/cohorts/{cast.cohort.slug}/people/add/", person(manager_email="BOSS@example.com")
    )
    assert response.status_code == 302
    user = User.objects.get(email="new.person@example.com")
    assert not user.has_usable_password()  # they choose one from the invitation
    assert user.profile.full_name == "Nia Reid" and user.profile.timezone == "Europe/Berlin"
    assert user.profile.manager == cast.manager
    enrolment = Enrolment.objects.get(user=user)
    assert enrolment.cohort == cast.cohort and enrolment.side == "junior"
    page = hr_client.get(f"/cohorts/{cast.cohort.slug}/").content.decode()
    assert "Nia Reid" in page and "Not invited" in page


def test_adding_a_known_person_keeps_their_profile(cast, hr_client):
    cohort = factories.CohortFactory(status="enrolling")
    hr_client.post(
        f"/cohorts/{cohort.slug}/people/add/",
        person(email="OUTSIDER@example.com", full_name="Somebody Else", side="senior", capacity=2),
    )
    cast.outsider.profile.refresh_from_db()
    assert cast.outsider.profile.full_name == "Olive Outsider"
    enrolment = Enrolment.objects.get(cohort=cohort, user=cast.outsider)
    assert enrolment.side == "senior" and enrolment.capacity == 2


@pytest.mark.parametrize(
    "bad, message",
    [
        ({"email": "junior@example.com"}, "is already enrolled in Autumn"),
        ({"email": "not-an-email"}, "Enter a valid email address"),
        ({"timezone": "Mars/Base"}, "is not a time zone we know"),
        ({"manager_email": "nobody@example.com"}, "Nobody with that email is known yet"),
        ({"manager_email": "new.person@example.com"}, "Nobody with that email"),
        ({"side": "middle"}, "Select a valid choice"),
        ({"capacity": 0}, "greater than or equal to 1"),
        ({"full_name": "   "}, "This field is required"),
    ],
)
def test_bad_input_when_adding_by_hand_adds_nobody(cast, hr_client, bad, message):
    users, enrolments = User.objects.count(), Enrolment.objects.count()
    response = hr_client.post(f"/cohorts/{cast.cohort.slug}/people/add/", person(**bad))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert (User.objects.count(), Enrolment.objects.count()) == (users, enrolments)


def test_hr_edits_capacity_and_side(cast, hr_client):
    enrolment = factories.EnrolmentFactory(cohort=cast.cohort, side="junior")
    hr_client.post(
        f"/cohorts/{cast.cohort.slug}/people/{enrolment.pk}/",
        {"side": "senior", "capacity": 3, "status": "active"},
    )
    enrolment.refresh_from_db()
    assert enrolment.side == "senior" and enrolment.capacity == 3


def test_a_paired_person_cannot_change_side_or_go_below_their_pairs(cast, hr_client):
    url = f"/cohorts/{cast.cohort.slug}/people/{cast.pair.junior_id}/"
    response = hr_client.post(url, {"side": "senior", "capacity": 1, "status": "active"})
    assert "end the pair before moving them" in response.content.decode()
    response = hr_client.post(url, {"side": "junior", "capacity": 0, "status": "active"})
    assert response.status_code == 200
    response = hr_client.post(url, {"side": "junior", "capacity": 11, "status": "active"})
    assert "less than or equal to 10" in response.content.decode()
    cast.pair.junior.refresh_from_db()
    assert cast.pair.junior.side == "junior" and cast.pair.junior.capacity == 1


def test_withdrawing_ends_the_pair_and_tells_hr_the_partner_needs_one(cast, hr_client):
    url = f"/cohorts/{cast.cohort.slug}/people/{cast.pair.junior_id}/"
    response = hr_client.post(
        url, {"side": "junior", "capacity": 1, "status": "withdrawn"}, follow=True
    )
    page = response.content.decode()
    assert "Robert Senior needs a new partner" in page
    cast.pair.refresh_from_db()
    assert cast.pair.status == "ended"
    assert "Withdrawn (1)" in page
    # Brought back by adding them again.
    hr_client.post(
        f"/cohorts/{cast.cohort.slug}/people/add/",
        person(email="junior@example.com", full_name="Asha Junior"),
    )
    cast.pair.junior.refresh_from_db()
    assert cast.pair.junior.status == "active"


def test_the_enrolment_page_shows_the_invitation_state_and_profile(cast, hr_client):
    factories.ProfileSkillFactory(
        profile=cast.senior.profile, skill=factories.SkillFactory(name="Negotiation"), level=3
    )
    page = hr_client.get(f"/cohorts/{cast.cohort.slug}/people/{cast.pair.senior_id}/")
    body = page.content.decode()
    assert "<strong>accepted</strong>" in body
    assert 'Negotiation <small class="muted">level 3' in body
    assert "reports to Marcus Manager" in body
