from __future__ import annotations

from allauth.account.utils import perform_login
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.encoding import force_str
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_decode
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.roles import ROLE_LABELS, set_active_role
from accounts.services import invitation_accept
from accounts.tokens import invitation_token


def _invited_user(uidb64: str, token: str) -> User | None:
    try:
        user = User.objects.get(pk=int(force_str(urlsafe_base64_decode(uidb64))))
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        return None
    return user if invitation_token.check_token(user, token) else None


def accept_invite(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    user = _invited_user(uidb64, token)
    if user is None:
        return render(request, "accounts/invite_invalid.html", status=400)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        invitation_accept(user=user, password=form.cleaned_data["new_password1"])
        messages.success(request, "Welcome to Twoway. Your password is set.")
        return perform_login(request, user, email_verification="none", redirect_url="/")
    return render(request, "accounts/accept_invite.html", {
        "form": form,
        "invited": user,
        "sso_enabled": bool(getattr(settings, "OIDC_CLIENT_ID", "")),
    })


@login_required
@require_POST
def switch_role(request: HttpRequest) -> HttpResponse:
    role = request.POST.get("role", "")
    if set_active_role(request, role):
        messages.info(request, f"You are now working as {ROLE_LABELS[role]}.")
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
        next_url = "/"
    return redirect(next_url)
