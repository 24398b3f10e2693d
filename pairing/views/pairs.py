"""HR's actions on published pairs: end a pair, resolve or decline a re-match request."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.decorators import hr_required
from accounts.http import AuthenticatedHttpRequest
from pairing import services
from pairing.forms import DeclineForm, EndPairForm
from pairing.models import Pair, RematchRequest
from pairing.views._shared import _confirmed


@hr_required
@require_POST
def pair_end(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """First POST: a confirmation naming the two people; the confirmed POST ends the pair,
    and both wait for a partner in the next top-up run (never with each other again)."""
    pair = get_object_or_404(
        Pair.objects.select_related("cohort", "junior__user__profile", "senior__user__profile"),
        pk=pk,
    )
    form = EndPairForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say briefly why the pair ends.")
    elif pair.status != Pair.Status.ACTIVE:
        messages.info(request, "That pair had already ended.")
    elif not _confirmed(request):
        return render(
            request,
            "pairing/pair_end_confirm.html",
            {"pair": pair, "cohort": pair.cohort, "reason": form.cleaned_data["reason"]},
        )
    elif services.end_pair(pair=pair, reason=form.cleaned_data["reason"], by=request.user):
        messages.success(
            request,
            f"Ended the pair {pair.junior.user.full_name} → {pair.senior.user.full_name}. "
            "Both now wait for a partner: run a top-up to pair them "
            "(never with each other again).",
        )
    return redirect("pairing:cohort", slug=pair.cohort.slug)


@hr_required
@require_POST
def rematch_decide(request: AuthenticatedHttpRequest, pk: int, decision: str) -> HttpResponse:
    rematch = get_object_or_404(RematchRequest.objects.select_related("pair__cohort"), pk=pk)
    slug = rematch.pair.cohort.slug
    try:
        if decision == "resolve":
            services.resolve_rematch(
                request=rematch, by=request.user, note=request.POST.get("note", "")
            )
            messages.success(
                request,
                "Pair ended; both people are told and now wait for a partner. Run a top-up "
                "to pair them (never with each other again).",
            )
        elif decision == "decline":
            form = DeclineForm(request.POST)
            if not form.is_valid():
                messages.error(request, "Write a short note saying why you decline.")
                return redirect("pairing:cohort", slug=slug)
            services.decline_rematch(
                request=rematch, by=request.user, note=form.cleaned_data["note"]
            )
            messages.success(request, "Request declined; your note is recorded.")
        else:
            raise Http404("No such decision")
    except services.RematchRefused as exc:
        messages.error(request, str(exc))
    return redirect("pairing:cohort", slug=slug)
