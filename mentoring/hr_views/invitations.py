"""HR's invitations: inviting a cohort, reminding it and resending one invitation."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from accounts.decorators import hr_required
from accounts.http import AuthenticatedHttpRequest
from mentoring import selectors
from mentoring.audit.services import record
from mentoring.hr_views._shared import (
    _cohort_for,
)
from mentoring.services import invitations


@hr_required
@require_POST
def cohort_invite(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    cohort = _cohort_for(slug)
    picked = None
    if request.POST.get("action") == "selected":
        picked = [int(v) for v in request.POST.getlist("enrolment") if v.isdigit()]
        if not picked:
            messages.error(request, "Tick the people to invite first.")
            return redirect(cohort)
    try:
        outcome = invitations.invitations_send(cohort=cohort, enrolment_ids=picked)
        record(
            actor=request.user,
            action="invitations.sent",
            target=f"cohort {slug}",
            invited=outcome.scheduled,
        )
    except invitations.InvitationRefused as refusal:
        messages.error(request, str(refusal))
        return redirect(cohort)
    if outcome.scheduled:
        messages.success(
            request,
            f"{outcome.scheduled} invitation{'s' if outcome.scheduled != 1 else ''} on the way.",
        )
    else:
        messages.info(
            request,
            "Nobody new to invite: everyone picked has been invited already. "
            "Use “Resend” for one person.",
        )
    if outcome.already_invited and outcome.scheduled:
        messages.info(
            request, f"{outcome.already_invited} had been invited already and were skipped."
        )
    if outcome.opened_enrolment:
        messages.info(request, f"{cohort.name} is now enrolling.")
    return redirect(cohort)


@hr_required
@require_POST
def cohort_remind(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    cohort = _cohort_for(slug)
    try:
        sent = invitations.profile_reminders_send(cohort=cohort)
    except invitations.InvitationRefused as refusal:
        messages.error(request, str(refusal))
        return redirect(cohort)
    if sent:
        messages.success(
            request, f"{sent} reminder{'s' if sent != 1 else ''} to finish the profile on the way."
        )
    else:
        messages.info(
            request,
            "Nobody to remind: everyone who signed in and has not finished "
            "was reminded today already.",
        )
    return redirect(cohort)


@hr_required
@require_POST
def invitation_resend(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    cohort = _cohort_for(slug)
    enrolment = selectors.enrolment_for_cohort(cohort, pk)
    try:
        invitations.invitation_resend(enrolment=enrolment)
        record(actor=request.user, action="invitation.resent", target=f"enrolment {pk}")
    except invitations.InvitationRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, f"A new invitation is on its way to {enrolment.user.full_name}.")
    if request.POST.get("back") == "enrolment":
        return redirect("mentoring:enrolment_edit", cohort.slug, enrolment.pk)
    return redirect(cohort.get_absolute_url() + "#people")
