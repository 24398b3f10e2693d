import pytest
from django.contrib.auth import BACKEND_SESSION_KEY
from django.core import mail

pytestmark = pytest.mark.django_db


def test_each_role_logs_in_and_lands_on_their_home(cast, client):
    homes = {
        cast.hr: "Programmes",
        cast.manager: "Open the dashboard",
        cast.junior: "Your partner in Autumn",
    }
    for user, marker in homes.items():
        client.logout()
        response = client.post(
            "/accounts/login/",
            {"login": user.email.upper(), "password": cast.password},
            follow=True,
        )
        assert response.redirect_chain[-1][0] == "/"
        assert marker in response.content.decode(), user


def test_a_session_signed_in_before_the_sign_in_backends_moved_stays_signed_in(cast, client):
    """Sessions name the backend that signed them in; accounts.backends took over from
    Django's and allauth's, which an upgrade must not turn into a sign-out for everyone."""
    for earlier in (
        "django.contrib.auth.backends.ModelBackend",
        "allauth.account.auth_backends.AuthenticationBackend",
    ):
        client.force_login(cast.manager, backend=earlier)
        assert "Open the dashboard" in client.get("/").content.decode(), earlier
        assert client.session[BACKEND_SESSION_KEY].startswith("accounts.backends.")
        client.logout()


def test_a_wrong_password_is_refused_with_a_message(cast, client):
    response = client.post("/accounts/login/", {"login": cast.junior.email, "password": "nope"})
    assert response.status_code == 200
    assert "not correct" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_ends_the_session(cast, login):
    client = login(cast.junior)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert client.get("/dashboard/").status_code == 302


def test_repeated_failed_logins_are_rate_limited(cast, client):
    for _ in range(5):
        client.post("/accounts/login/", {"login": cast.junior.email, "password": "wrong"})
    response = client.post(
        "/accounts/login/", {"login": cast.junior.email, "password": cast.password}
    )
    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session
    assert "Too many failed login attempts" in response.content.decode()


def test_password_reset_emails_a_link(cast, client):
    response = client.post("/accounts/password/reset/", {"email": cast.junior.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body
