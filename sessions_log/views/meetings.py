"""Meetings: propose, move, cancel, and the .ics download."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthenticatedHttpRequest
from sessions_log import ics, selectors, services
from sessions_log.forms import (
    MeetingForm,
)
from sessions_log.models import Meeting
from sessions_log.views.shared import (
    pair_url,
    participant_view,
)

# --- meetings ----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@participant_view
def meeting_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    pair = selectors.pair_for_member(request.user, pk)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.propose_meeting_once(pair=pair, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Meeting scheduled: you both get a calendar invite.")
            return redirect(pair_url(pair, "meetings"))
    return render(
        request,
        "sessions_log/meeting_form.html",
        {
            "pair": pair,
            "form": form,
            "meeting": None,
            "agreement_complete": services.agreement_complete(pair),
            "zone": selectors.zone_of(request.user).key,
        },
    )


@require_http_methods(["GET", "POST"])
@participant_view
def meeting_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_for_member(request.user, pk)
    pair = meeting.pair
    form = MeetingForm(
        request.POST or None,
        initial={
            "starts_at": meeting.starts_at,
            "duration_minutes": meeting.duration_minutes,
            "location": meeting.location,
        },
    )
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "form_token"}
        try:
            services.reschedule_meeting(meeting=meeting, by=request.user, **fields)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Meeting moved: you both get an updated invite.")
            return redirect(pair_url(pair, "meetings"))
    return render(
        request,
        "sessions_log/meeting_form.html",
        {
            "pair": pair,
            "form": form,
            "meeting": meeting,
            "agreement_complete": True,
            "zone": selectors.zone_of(request.user).key,
        },
    )


@require_POST
@participant_view
def meeting_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_for_member(request.user, pk)
    try:
        services.cancel_meeting(meeting=meeting, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, "Meeting cancelled: you both get a cancellation for your calendars."
        )
    return redirect(pair_url(meeting.pair, "meetings"))


@require_GET
@participant_view
def meeting_ics(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_for_member(request.user, pk)
    cancelled = meeting.status == Meeting.Status.CANCELLED
    response = HttpResponse(
        ics.build_invite(meeting, cancel=cancelled), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response
