"""The account page: one place for name, email, password, two-factor, nudges, time zone and
data, reached from the user's name in the menu; allauth's own pages wear the site's look."""

from __future__ import annotations

import pytest

from accounts.models import Profile

pytestmark = pytest.mark.django_db


def test_the_name_in_the_menu_opens_the_account_page(cast, login):
    client = login(cast.junior)
    home = client.get("/").content.decode()
    assert 'href="/accounts/me/"' in home
    page = client.get("/accounts/me/").content.decode()
    assert "Your account" in page
    for link in (
        "/accounts/password/change/",
        "/accounts/2fa/totp/activate",
        "/sessions/preferences/",
        "/privacy/my-data/",
        "/accounts/email/",
    ):
        assert link in page, link
    assert cast.junior.email in page


def test_the_account_page_says_two_factor_is_on_and_counts_recovery_codes(cast, client):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    TOTP.activate(cast.junior, generate_totp_secret())
    RecoveryCodes.activate(cast.junior)
    client.force_login(cast.junior)  # the form would now ask for the second factor
    page = client.get("/accounts/me/").content.decode()
    assert "On." in page
    assert "Recovery codes (" in page
    assert "/accounts/2fa/totp/deactivate" in page
    assert "/accounts/2fa/totp/activate" not in page


def test_a_time_zone_typed_with_spaces_and_lower_case_is_saved_by_its_name(cast, login):
    client = login(cast.junior)
    response = client.post("/accounts/me/", {"timezone": "america/new york"})
    assert response.status_code == 302
    assert Profile.objects.get(user=cast.junior).timezone == "America/New_York"


def test_an_unknown_time_zone_is_refused_with_a_message_and_nothing_changes(cast, login):
    before = Profile.objects.get(user=cast.junior).timezone
    response = login(cast.junior).post("/accounts/me/", {"timezone": "Mars/Olympus"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "is not a time zone we know" in page
    assert 'aria-invalid="true"' in page
    assert 'aria-describedby="id_timezone_helptext id_timezone_error"' in page
    assert Profile.objects.get(user=cast.junior).timezone == before


def test_the_time_zone_is_a_searchable_list_not_a_600_item_select(cast, login):
    page = login(cast.junior).get("/accounts/me/").content.decode()
    assert 'list="id_timezone_zones"' in page
    assert '<datalist id="id_timezone_zones">' in page
    assert '<option value="Europe/London"></option>' in page
    assert '<select name="timezone"' not in page


def test_the_account_page_needs_a_login(client):
    response = client.get("/accounts/me/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    "url",
    ["/accounts/password/change/", "/accounts/2fa/totp/activate/", "/accounts/email/"],
)
def test_allauth_pages_use_the_site_layout_and_lead_back_to_the_account_page(cast, login, url):
    # Two-factor set-up first asks for the password again: that page must look the same.
    response = login(cast.junior).get(url, follow=True)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'aria-label="Main"' in page  # the site's own header and menu
    assert "auth-page" in page
    assert "← Your account" in page


def test_a_wrong_current_password_is_marked_on_the_field(cast, login):
    response = login(cast.junior).post(
        "/accounts/password/change/",
        {"oldpassword": "wrong", "password1": "a-new-pass-123", "password2": "a-new-pass-123"},
    )
    page = response.content.decode()
    assert 'aria-invalid="true"' in page
    assert 'id="id_oldpassword_error"' in page


def test_the_password_reset_page_wears_the_site_look_when_signed_out(client):
    page = client.get("/accounts/password/reset/").content.decode()
    assert "auth-page" in page and 'aria-label="Main"' in page
