from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect

from accounts.roles import is_hr

_EXEMPT = ("/accounts/", "/static/", "/favicon")


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
