import pytest
from allauth.account.models import EmailAddress

from accounts.models import User
from accounts.services import invitation_url
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_nobody_can_sign_themselves_up(client):
    page = client.get("/accounts/signup/")
    assert "Sign Up Closed" in page.content.decode()
    client.post(
        "/accounts/signup/",
        {"email": "new@example.com", "password1": "x9!kLmn0pq7", "password2": "x9!kLmn0pq7"},
    )
    assert not User.objects.filter(email="new@example.com").exists()


def test_an_invited_person_sets_a_password_and_is_signed_in(client):
    invited = UserFactory(email="new@example.com", password=None, verified=False)
    invited.set_unusable_password()
    invited.save()
    path = invitation_url(invited).split("8000", 1)[-1]
    assert "Welcome" in client.get(path).content.decode()
    response = client.post(
        path, {"new_password1": "a-long-Passphrase-1", "new_password2": "a-long-Passphrase-1"}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(invited.pk)
    assert EmailAddress.objects.get(user=invited).verified
    # The link is spent once used.
    client.logout()
    again = client.get(path)
    assert again.status_code == 400
    assert "cannot be used" in again.content.decode()


def test_a_tampered_invitation_link_is_refused(client):
    invited = UserFactory(email="new@example.com")
    path = invitation_url(invited).split("8000", 1)[-1]
    assert client.get(path[:-3] + "abc/").status_code == 400
    assert client.get("/accounts/invite/zzz/abc/").status_code == 400


def test_a_weak_password_is_refused_and_nothing_changes(client):
    invited = UserFactory(email="new@example.com")
    invited.set_unusable_password()
    invited.save()
    path = invitation_url(invited).split("8000", 1)[-1]
    response = client.post(path, {"new_password1": "12345", "new_password2": "12345"})
    assert response.status_code == 200
    invited.refresh_from_db()
    assert not invited.has_usable_password()
