"""HR's pages for adding people to a cohort and editing their enrolment."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.decorators import hr_required
from accounts.http import AuthenticatedHttpRequest
from accounts.models import ProfileSkill
from mentoring import selectors
from mentoring.audit.services import record
from mentoring.forms import (
    AddParticipantForm,
    EnrolmentForm,
)
from mentoring.hr_views._shared import (
    _cohort_for,
)
from mentoring.models import Cohort, Enrolment
from mentoring.services import enrolments, invitations


@hr_required
@require_http_methods(["GET", "HEAD", "POST"])
def enrolment_add(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    cohort = _cohort_for(slug)
    form = AddParticipantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            enrolment, created = enrolments.participant_add(
                cohort=cohort, person=enrolments.NewParticipant(**form.cleaned_data)
            )
        except enrolments.EnrolmentRefused as refusal:
            form.add_error(refusal.field, str(refusal))
        else:
            messages.success(
                request,
                f"{enrolment.user.full_name} is enrolled as a "
                f"{enrolment.side}" + (" (new to Twoway)." if created else "."),
            )
            if cohort.status == Cohort.Status.ACTIVE:
                # A late joiner: invited at once, and waiting for a partner until a top-up.
                invitations.invitations_send(cohort=cohort, enrolment_ids=[enrolment.pk])
                messages.info(
                    request,
                    "They are invited and wait for a partner: run a top-up from this page.",
                )
            if request.POST.get("then") == "another":
                return redirect("mentoring:enrolment_add", cohort.slug)
            return redirect(cohort.get_absolute_url() + "#people")
    return render(request, "mentoring/enrolment_add.html", {"cohort": cohort, "form": form})


@hr_required
@require_http_methods(["GET", "HEAD", "POST"])
def enrolment_edit(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    cohort = _cohort_for(slug)
    enrolment = selectors.enrolment_for_cohort(cohort, pk)
    saved = Enrolment.objects.get(pk=enrolment.pk)
    form = EnrolmentForm(request.POST or None, instance=enrolment)
    if request.method == "POST" and form.is_valid():
        try:
            notes = enrolments.enrolment_update(enrolment=saved, **form.cleaned_data)
            record(actor=request.user, action="enrolment.changed", target=f"enrolment {pk}")
        except enrolments.EnrolmentRefused as refusal:
            form.add_error(refusal.field, str(refusal))
        else:
            messages.success(request, f"{enrolment.user.full_name}'s enrolment is saved.")
            for note in notes:
                messages.warning(request, note)
            return redirect(cohort.get_absolute_url() + "#people")
    skills = list(
        ProfileSkill.objects.filter(profile__user=enrolment.user)
        .select_related("skill")
        .order_by("kind", "-level", "skill__name")
    )
    return render(
        request,
        "mentoring/enrolment_edit.html",
        {
            "cohort": cohort,
            "enrolment": saved,
            "person": enrolment.user,
            "form": form,
            "accepted": invitations.has_accepted(enrolment.user),
            "teaches": [s for s in skills if s.kind == "teach"],
            "learns": [s for s in skills if s.kind == "learn"],
        },
    )
