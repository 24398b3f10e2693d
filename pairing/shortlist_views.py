"""The shortlist: a participant's suggestions and marks, and HR's opening and demand page."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRefresh

from accounts.decorators import hr_required
from accounts.http import AuthenticatedHttpRequest
from mentoring.audit.services import record
from mentoring.models import Enrolment
from pairing import selectors
from pairing.models import Shortlist, Suggestion
from pairing.services import shortlist as services

# ---- The participant ----------------------------------------------------------------------


def _enrolment_for(user, slug: str) -> Enrolment:
    enrolment = (
        Enrolment.objects.select_related("cohort__programme")
        .filter(user=user, cohort__slug=slug, status=Enrolment.Status.ACTIVE)
        .first()
    )
    if enrolment is None:
        raise Http404("Not in this cohort")
    return enrolment


def _row(suggestion: Suggestion, junior: bool) -> dict:
    """One suggestion as the chooser reads it: what they give and what they get."""
    return {
        "s": suggestion,
        "give": suggestion.reverse_flows if junior else suggestion.forward_flows,
        "get": suggestion.forward_flows if junior else suggestion.reverse_flows,
    }


@login_required
@require_GET
def shortlist(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    enrolment = _enrolment_for(request.user, slug)
    current = get_object_or_404(Shortlist, cohort=enrolment.cohort)
    is_open = current.is_open()
    context = {"cohort": enrolment.cohort, "shortlist": current, "is_open": is_open}
    if is_open and not services.is_prepared(current, enrolment):
        if current.prepared_at is not None and not request.htmx:
            # Joined after the task ran: prepare again (it leaves those who looked alone).
            services.queue_prepare(current)
        template = "pairing/shortlist.html#preparing" if request.htmx else "pairing/shortlist.html"
        return render(request, template, {**context, "preparing": True})
    if request.htmx:  # the poll found them ready: the whole page, once
        return HttpResponseClientRefresh()
    if is_open:
        suggestions = services.suggestions_for(shortlist=current, enrolment=enrolment)
    else:
        suggestions = list(
            Suggestion.objects.filter(shortlist=current, chooser=enrolment).select_related(
                "candidate__user__profile"
            )
        )
    junior = enrolment.side == Enrolment.Side.JUNIOR
    return render(
        request,
        "pairing/shortlist.html",
        {**context, "rows": [_row(s, junior) for s in suggestions]},
    )


@login_required
@require_POST
def mark(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    enrolment = _enrolment_for(request.user, slug)
    suggestion = get_object_or_404(
        Suggestion.objects.select_related("shortlist", "candidate__user__profile"),
        pk=pk,
        chooser=enrolment,
    )
    try:
        services.mark_set(suggestion=suggestion, mark=request.POST.get("mark", "")[:20])
    except services.ShortlistRefused as exc:
        if request.htmx:
            return HttpResponse(str(exc), status=409, content_type="text/plain")
        messages.error(request, str(exc))
    if not request.htmx:
        return redirect("pairing:shortlist", slug=slug)
    row = _row(suggestion, enrolment.side == Enrolment.Side.JUNIOR)
    return render(
        request,
        "pairing/shortlist.html#suggestion",
        {"cohort": enrolment.cohort, "is_open": True, "row": row},
    )


# ---- HR -------------------------------------------------------------------------------------


class OpenForm(forms.Form):
    days = forms.IntegerField(
        label="Open for (days)", min_value=1, max_value=services.MAX_DAYS, initial=7
    )


@hr_required
@require_GET
def shortlist_hr(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    cohort = selectors.cohort_for_hr(slug)
    return render(request, "pairing/shortlist_hr.html", _hr_context(cohort, OpenForm()))


def _hr_context(cohort, form: OpenForm) -> dict:
    current = Shortlist.objects.filter(cohort=cohort).first()
    return {
        "cohort": cohort,
        "shortlist": current,
        "is_open": bool(current and current.is_open()),
        "form": form,
        "demand": services.demand(cohort),
    }


@hr_required
@require_POST
def shortlist_change(request: AuthenticatedHttpRequest, slug: str, action: str) -> HttpResponse:
    cohort = selectors.cohort_for_hr(slug)
    current = Shortlist.objects.filter(cohort=cohort).first()
    try:
        if action == "open":
            form = OpenForm(request.POST)
            if not form.is_valid():
                return render(
                    request, "pairing/shortlist_hr.html", _hr_context(cohort, form), status=422
                )
            services.shortlist_open(cohort=cohort, days=form.cleaned_data["days"], by=request.user)
            record(actor=request.user, action="shortlist.opened", target=f"cohort {cohort.pk}")
            messages.success(request, "The shortlist is open; everyone in the cohort is told.")
        elif action == "close" and current is not None:
            services.shortlist_close(shortlist=current)
            messages.success(request, "The shortlist is closed; the marks made so far count.")
        elif action == "remind" and current is not None:
            sent = services.reminders_send(shortlist=current)
            messages.success(
                request,
                f"{sent} reminder{'s' if sent != 1 else ''} queued"
                if sent
                else "Everyone who has not looked was reminded already.",
            )
        else:
            raise Http404
    except services.ShortlistRefused as exc:
        messages.error(request, str(exc))
    return redirect("pairing:shortlist_hr", slug=slug)
