"""Names and titles a person types keep no invisible control characters (issue 8, item 9)."""

import pytest

from accounts.models import Profile
from tests.accounts.test_profile import profile_form

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("field", "value", "named"),
    [
        ("full_name", "Asha\nOkafor", "a line break (U+000A)"),
        ("full_name", "Asha \u202erofakO", "U+202E RIGHT-TO-LEFT OVERRIDE"),
        ("job_title", "Analyst\x1b[2J", "ESC (U+001B)"),
        ("department", "Da\u2067ta", "U+2067 RIGHT-TO-LEFT ISOLATE"),
        ("location", "Man\x07chester", "U+0007"),
    ],
)
def test_a_control_character_in_a_profile_field_is_refused_and_nothing_changes(
    cast, login, field, value, named
):
    before = Profile.objects.get(user=cast.junior)
    response = login(cast.junior).post("/accounts/profile/", profile_form(**{field: value}))
    assert response.status_code == 200
    assert (
        f"Remove the invisible control character ({named}) from this text."
        in response.content.decode()
    )
    after = Profile.objects.get(user=cast.junior)
    assert getattr(after, field) == getattr(before, field)


def test_a_tab_or_a_joiner_is_kept(cast, login):
    response = login(cast.junior).post(
        "/accounts/profile/", profile_form(job_title="Head\tof 👩\u200d💻 data")
    )
    assert response.status_code == 302
    assert Profile.objects.get(user=cast.junior).job_title == "Head\tof 👩\u200d💻 data"
