"""The nudge preference: services and the signed unsubscribe link every nudge email carries.

The link works without logging in: its token is the user's id signed with the site's key (salted
for this one purpose), so nobody can forge one for somebody else, and it keeps working for as
long as the key does, as an unsubscribe link should.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

from accounts.models import Profile, User

# The salt keeps its old module name: links already in inboxes must keep working.
_SALT = "twoway.sessions_log.nudges.unsubscribe"


def unsubscribe_token(user: User) -> str:
    # No timestamp: the same person always gets the same link, and it does not expire.
    return signing.Signer(salt=_SALT).sign_object({"u": user.pk}, compress=True)


def user_for_unsubscribe_token(token: str) -> User | None:
    """The user the token was made for, or None for a bad, altered or foreign token."""
    try:
        data = signing.Signer(salt=_SALT).unsign_object(token)
    except signing.BadSignature:
        return None
    user_id = data.get("u") if isinstance(data, dict) else None
    if not isinstance(user_id, int):
        return None
    return User.objects.select_related("profile").filter(pk=user_id, is_active=True).first()


def unsubscribe_url(user: User) -> str:
    return settings.SITE_URL + reverse(
        "sessions_log:nudges_unsubscribe", args=[unsubscribe_token(user)]
    )


def unsubscribe_headers(user: User) -> tuple[tuple[str, str], ...]:
    """RFC 2369 / RFC 8058: mail clients show an unsubscribe button that POSTs to the link."""
    return (
        ("List-Unsubscribe", f"<{unsubscribe_url(user)}>"),
        ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
    )


def nudges_enabled(user: User) -> bool:
    profile = getattr(user, "profile", None)
    return True if profile is None else profile.nudges_enabled


def set_nudges(*, user: User, enabled: bool) -> Profile:
    """Turn nudges (quiet-pair reminders, survey reminders) on or off. Meeting invites and
    meeting reminders always go: they are about a time both people agreed."""
    profile, _ = Profile.objects.get_or_create(user=user, defaults={"full_name": user.email})
    if profile.nudges_enabled != enabled:
        profile.nudges_enabled = enabled
        profile.save(update_fields=["nudges_enabled", "updated_at"])
    return profile
