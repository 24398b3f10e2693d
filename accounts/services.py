from __future__ import annotations

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import User
from accounts.tokens import invitation_token


def invitation_url(user: User) -> str:
    """The absolute sign-in link that an invitation email carries."""
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    path = reverse("accounts:accept_invite", args=[uidb64, invitation_token.make_token(user)])
    return f"{settings.SITE_URL}{path}"


@transaction.atomic
def invitation_accept(*, user: User, password: str) -> User:
    """The invited person sets a password; following the emailed link proves the address."""
    user.set_password(password)
    user.is_active = True
    user.save(update_fields=["password", "is_active"])
    email_verified(user=user)
    return user


def email_verified(*, user: User) -> None:
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
