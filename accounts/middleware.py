from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY
from django.shortcuts import redirect

from accounts.backends import SUCCEEDS
from accounts.roles import is_hr

_EXEMPT = ("/accounts/", "/static/", "/favicon")


class AdoptEarlierSignInsMiddleware:
    """A session signed in before accounts.backends existed names the backend it extends, no
    longer listed in AUTHENTICATION_BACKENDS: renamed here (before AuthenticationMiddleware)
    so the upgrade signs nobody out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        successor = SUCCEEDS.get(request.session.get(BACKEND_SESSION_KEY))
        if successor is not None:
            request.session[BACKEND_SESSION_KEY] = successor
        return self.get_response(request)


class RequireMfaForHrMiddleware:
    """With TWOWAY_REQUIRE_MFA_FOR_HR on, an HR admin without an authenticator app is sent to
    set one up before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.REQUIRE_MFA_FOR_HR
            and request.user.is_authenticated
            and not request.path.startswith(_EXEMPT)
            and is_hr(request.user)
        ):
            from allauth.mfa.models import Authenticator

            if not Authenticator.objects.filter(
                user=request.user, type=Authenticator.Type.TOTP
            ).exists():
                messages.warning(
                    request, "HR admins must turn on two-factor authentication before continuing."
                )
                return redirect("mfa_activate_totp")
        return self.get_response(request)
