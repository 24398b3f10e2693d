"""A participant's pages of their own pair: why they were matched, and asking for a re-match."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import AuthenticatedHttpRequest
from pairing import selectors, services
from pairing.attention import declined_request
from pairing.forms import RematchRequestForm
from pairing.models import RematchRequest


@login_required
@require_GET
def my_pair(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """ "Why we matched you": only the pair's two members, nobody else (404)."""
    pair = selectors.pair_for_member(request.user, pk)
    return render(
        request,
        "pairing/my_pair.html",
        {
            "why": selectors.why_matched(pair, request.user),
            "open_request": pair.rematch_requests.filter(status=RematchRequest.Status.OPEN).first(),
            "declined_request": declined_request(pair, request.user),
            "pair_page": reverse("sessions_log:pair", args=[pair.pk]),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def rematch_request(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    pair = selectors.pair_for_member(request.user, pk)
    form = RematchRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_rematch(pair=pair, by=request.user, reason=form.cleaned_data["reason"])
        except services.RematchRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                "Your request is with HR. Nobody is at fault; HR will "
                "be in touch about a new partner.",
            )
        return redirect("pairing:my_pair", pk=pair.pk)
    return render(
        request,
        "pairing/rematch_request.html",
        {
            "pair": pair,
            "form": form,
            "partner": pair.partner_of(request.user),
            "open_request": pair.rematch_requests.filter(status=RematchRequest.Status.OPEN).first(),
        },
        status=422 if request.method == "POST" else 200,
    )
