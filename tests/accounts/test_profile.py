import pytest

from accounts.models import Profile

pytestmark = pytest.mark.django_db


def profile_form(**overrides) -> dict:
    data = {
        "full_name": "Asha Okafor",
        "job_title": "Data Analyst",
        "department": "Data",
        "location": "Manchester",
        "timezone": "Europe/London",
        "hopes": "Learn how the board thinks.",
        "nudges_enabled": "on",
    }
    data.update(overrides)
    return data


def test_the_profile_page_needs_a_login(client):
    assert client.get("/accounts/profile/").status_code == 302


def test_a_participant_saves_their_profile(cast, login):
    client = login(cast.junior)
    response = client.post(
        "/accounts/profile/", profile_form(timezone="Asia/Singapore", nudges_enabled="")
    )
    assert response.status_code == 302
    profile = Profile.objects.get(user=cast.junior)
    assert profile.timezone == "Asia/Singapore" and profile.hopes == "Learn how the board thinks."
    assert not profile.nudges_enabled
    page = client.get("/accounts/profile/").content.decode()
    assert "Your profile is saved." in page


@pytest.mark.parametrize(
    "bad, message",
    [
        ({"timezone": "Mars/Olympus"}, "is not a time zone we know"),
        ({"full_name": "   "}, "This field is required"),
        ({"hopes": "x" * 2001}, "at most 2000 characters"),
    ],
)
def test_bad_profile_input_is_explained_and_nothing_changes(cast, login, bad, message):
    client = login(cast.junior)
    response = client.post("/accounts/profile/", profile_form(**bad))
    assert response.status_code == 200
    assert message in response.content.decode()
    profile = Profile.objects.get(user=cast.junior)
    assert profile.full_name == "Asha Junior" and profile.timezone == "Europe/London"


def test_the_profile_shows_what_is_still_missing(cast, login):
    client = login(cast.junior)
    page = client.get("/accounts/profile/").content.decode()
    assert "25% complete" in page
    assert "still to add skills to teach, skills to learn, hopes" in page


def test_the_short_profile_address_leads_to_the_profile(client):
    response = client.get("/profile/")
    assert response.status_code == 302 and response.url == "/accounts/profile/"
