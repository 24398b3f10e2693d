"""The nudge preference: a page for the signed-in person, and the unsubscribe link from nudge
emails, which works without logging in (its signed token says who)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from accounts import nudges as preferences
from accounts.http import AuthenticatedHttpRequest


@login_required
@require_http_methods(["GET", "POST"])
def nudges(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "POST":
        enabled = request.POST.get("nudges") == "on"
        preferences.set_nudges(user=request.user, enabled=enabled)
        messages.success(
            request,
            "Nudges are on."
            if enabled
            else "Nudges are off. Meeting invites and meeting reminders still come.",
        )
        return redirect("sessions_log:nudges")
    return render(
        request,
        "sessions_log/nudge_preferences.html",
        {"enabled": preferences.nudges_enabled(request.user)},
    )


# Mail clients' one-click unsubscribe (RFC 8058) POSTs here without a CSRF token; the signed
# token is what proves the request comes from the person the email went to.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def nudges_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    user = preferences.user_for_unsubscribe_token(token)
    if user is None:
        return render(request, "sessions_log/nudge_unsubscribe.html", {"invalid": True}, status=404)
    if request.method == "POST":
        # A GET only asks: link scanners in mail systems must not unsubscribe anybody.
        enabled = request.POST.get("nudges") == "on"
        preferences.set_nudges(user=user, enabled=enabled)
        return render(
            request,
            "sessions_log/nudge_unsubscribe.html",
            {"done": True, "enabled": enabled, "token": token, "email": user.email},
        )
    return render(
        request,
        "sessions_log/nudge_unsubscribe.html",
        {"enabled": preferences.nudges_enabled(user), "token": token, "email": user.email},
    )
