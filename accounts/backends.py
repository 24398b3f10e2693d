"""Sign-in backends: Django's and allauth's, reading the signed-in person together with their
profile and roles, in one query instead of three: nearly every page shows their name, works in
their time zone and offers what their roles allow."""

from __future__ import annotations

from allauth.account import auth_backends as allauth_backends
from django.contrib.auth import backends as django_backends

from accounts.models import User
from accounts.roles import with_roles

# Sessions signed in before these backends existed name the ones they extend.
SUCCEEDS = {
    "django.contrib.auth.backends.ModelBackend": "accounts.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend": (
        "accounts.backends.AuthenticationBackend"
    ),
}


def _people():
    return with_roles(User.objects.select_related("profile"))


class _WithProfileAndRoles(django_backends.ModelBackend):
    def get_user(self, user_id):
        user = _people().filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None

    async def aget_user(self, user_id):
        user = await _people().filter(pk=user_id).afirst()
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(_WithProfileAndRoles):
    pass


class AuthenticationBackend(_WithProfileAndRoles, allauth_backends.AuthenticationBackend):
    pass
