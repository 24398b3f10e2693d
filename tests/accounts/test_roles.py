import pytest
from django.contrib.auth.models import Group
from django.test import override_settings

from accounts.models import User
from accounts.roles import roles_for, with_roles

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert "Log in" in client.get("/").content.decode()


def test_participants_cannot_open_hr_or_manager_pages(cast, login):
    client = login(cast.junior)
    assert client.get("/dashboard/").status_code == 403
    assert client.get(f"/cohorts/{cast.cohort.slug}/").status_code == 403


def test_managers_cannot_open_hr_pages(cast, login):
    client = login(cast.manager)
    assert client.get("/dashboard/").status_code == 200
    assert client.get(f"/cohorts/{cast.cohort.slug}/").status_code == 403


def test_hr_opens_cohort_pages(cast, login):
    client = login(cast.hr)
    assert cast.cohort.name in client.get(f"/cohorts/{cast.cohort.slug}/").content.decode()
    assert client.get("/cohorts/no-such-cohort/").status_code == 404


def test_a_person_with_two_roles_switches_between_homes(cast, login):
    cast.senior.groups.add(Group.objects.get(name="manager"))
    client = login(cast.senior)
    home = client.get("/").content.decode()
    assert "Open the dashboard" in home and 'name="role"' in home
    client.post("/accounts/role/", {"role": "participant"})
    assert "Your partner in Autumn" in client.get("/").content.decode()
    # A role the person does not hold is ignored.
    client.post("/accounts/role/", {"role": "hr"})
    assert "Your partner in Autumn" in client.get("/").content.decode()
    assert client.get(f"/cohorts/{cast.cohort.slug}/").status_code == 403


def test_roles_given_or_taken_away_apply_from_the_next_page(cast, login):
    """The roles are read with the signed-in person on each request (accounts.backends), not
    kept in the session."""
    client = login(cast.junior)
    assert client.get("/dashboard/").status_code == 403
    cast.junior.groups.add(Group.objects.get(name="manager"))
    assert client.get("/dashboard/").status_code == 200
    cast.junior.groups.clear()
    assert client.get("/dashboard/").status_code == 403
    cast.pair.junior.status = "withdrawn"
    cast.pair.junior.save(update_fields=["status"])
    assert "Your partner in Autumn" not in client.get("/").content.decode()


def test_roles_read_with_the_person_match_those_read_on_their_own(cast):
    """accounts.backends reads the signed-in person with their roles; anyone else (a person
    just authenticated, an email's recipient) has them read by a query of their own."""
    cast.senior.groups.add(Group.objects.get(name="manager"))
    for person in (cast.hr, cast.manager, cast.junior, cast.senior, cast.outsider):
        with_flags = with_roles(User.objects.filter(pk=person.pk)).get()
        assert roles_for(with_flags) == roles_for(User.objects.get(pk=person.pk))
    assert roles_for(with_roles(User.objects.filter(pk=cast.senior.pk)).get()) == [
        "manager",
        "participant",
    ]


def test_role_switch_refuses_to_redirect_off_site(cast, login):
    client = login(cast.junior)
    response = client.post(
        "/accounts/role/", {"role": "participant", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


@override_settings(REQUIRE_MFA_FOR_HR=True)
def test_hr_admins_must_set_up_mfa_when_required(cast, login):
    client = login(cast.hr)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"
    # Participants are not held up by it.
    client.logout()
    assert login(cast.junior).get("/").status_code == 200
