"""The fit check, pulse and impact surveys, the reflection and the contribution record."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import AuthenticatedHttpRequest
from pairing.models import RematchRequest
from sessions_log import selectors, services
from sessions_log.forms import (
    FitCheckForm,
    ImpactSurveyForm,
    PulseForm,
    ReflectionForm,
)
from sessions_log.models import FitCheck, ImpactSurvey, Pulse, Reflection, SessionLog
from sessions_log.views.shared import (
    pair_url,
    participant_view,
)

# --- fit check and surveys ---------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@participant_view
def fit_check(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    pair = selectors.pair_for_member(request.user, pk)
    existing = FitCheck.objects.filter(pair=pair, respondent=request.user).first()
    is_open = SessionLog.objects.filter(pair=pair).exists()
    form = FitCheckForm(
        request.POST or None,
        initial={"answer": existing.answer, "comment": existing.comment} if existing else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            existing = services.answer_fit_check(
                pair=pair, respondent=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Thank you: your answer is saved.")
            if existing.answer != FitCheck.Answer.NO:
                return redirect(pair_url(pair, "surveys"))
            return redirect(reverse("sessions_log:fit_check", args=[pair.pk]))
    return render(
        request,
        "sessions_log/fit_check.html",
        {
            "pair": pair,
            "form": form,
            "existing": existing,
            "is_open": is_open,
            "rematch_url": reverse("pairing:rematch_request", args=[pair.pk]),
            "rematch_asked": RematchRequest.objects.filter(
                pair=pair, requested_by=request.user, status=RematchRequest.Status.OPEN
            ).exists(),
            "closed": pair.cohort.status == "closed",
        },
    )


@require_http_methods(["GET", "POST"])
@participant_view
def pulse(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    pair = selectors.pair_for_member(request.user, pk)
    period = services.current_pulse_period(pair)
    existing = (
        Pulse.objects.filter(pair=pair, respondent=request.user, period=period).first()
        if period is not None
        else None
    )
    form = PulseForm(
        request.POST or None,
        initial={"score": existing.score, "comment": existing.comment} if existing else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_pulse(pair=pair, respondent=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Thank you: your pulse is saved.")
            return redirect(pair_url(pair, "surveys"))
    return render(
        request,
        "sessions_log/pulse.html",
        {
            "pair": pair,
            "form": form,
            "existing": existing,
            "period": period,
            "opens_at": services.pulse_due_at(pair, 0) if pair.published_at else None,
            "closed": pair.cohort.status == "closed",
        },
    )


@require_http_methods(["GET", "POST"])
@participant_view
def impact_survey(request: AuthenticatedHttpRequest, pk: int, stage: str) -> HttpResponse:
    enrolment = selectors.enrolment_for(request.user, pk)
    if stage not in ImpactSurvey.Stage.values:
        raise Http404("No such survey")
    existing = ImpactSurvey.objects.filter(enrolment=enrolment, stage=stage).first()
    is_open = services.open_impact_stage(enrolment) == stage
    form = ImpactSurveyForm(
        request.POST or None,
        initial={name: getattr(existing, name) for name in ImpactSurvey.AREAS}
        if existing
        else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_impact_survey(
                enrolment=enrolment, respondent=request.user, stage=stage, scores=form.scores()
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Thank you: your answers are saved.")
            return redirect("mentoring:home")
    return render(
        request,
        "sessions_log/impact_survey.html",
        {
            "enrolment": enrolment,
            "stage": stage,
            "form": form,
            "existing": existing,
            "is_open": is_open,
            "final": stage == ImpactSurvey.Stage.FINAL,
        },
    )


# --- the close ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@participant_view
def reflection(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    pair = selectors.pair_for_member(request.user, pk)
    existing = Reflection.objects.filter(pair=pair, author=request.user).first()
    form = ReflectionForm(request.POST or None, instance=existing)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_reflection(pair=pair, author=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Saved. Your partner can read your thank-you.")
            return redirect(pair_url(pair, "surveys"))
    return render(
        request,
        "sessions_log/reflection.html",
        {
            "pair": pair,
            "form": form,
            "partner": pair.partner_of(request.user),
            "is_open": services.reflection_open(pair),
            "opens_on": services.final_survey_opens_on(pair.cohort),
        },
    )


@require_GET
@participant_view
def contribution_record(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The person's own record of what they gave and received, to keep as evidence."""
    record = selectors.contribution_record(request.user)
    if request.GET.get("format") == "txt":
        response = render(
            request,
            "sessions_log/contribution_record.txt",
            {"record": record, "person": request.user},
            content_type="text/plain; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="twoway-contribution-record.txt"'
        return response
    return render(request, "sessions_log/contribution_record.html", {"record": record})
