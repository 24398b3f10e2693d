"""The pair's own pages. Every view fetches through a selector scoped to the signed-in person
(one of the two partners; for goals and logs, the owner), so anyone else gets 404."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pairing.models import Pair, RematchRequest
from sessions_log import ics, selectors, services
from sessions_log.forms import (
    FitCheckForm,
    GoalForm,
    GoalUpdateForm,
    ImpactSurveyForm,
    MeetingForm,
    PrivateNoteForm,
    PulseForm,
    ReflectionForm,
    SessionLogForm,
)
from sessions_log.models import FitCheck, ImpactSurvey, Meeting, Pulse, Reflection, SessionLog


def participant_view(view: Callable) -> Callable:
    """Signed in, and times read and shown in the person's own time zone."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        with timezone.override(selectors.zone_of(request.user)):
            return view(request, *args, **kwargs)

    return wrapped


def _pair_url(pair: Pair, anchor: str = "") -> str:
    return reverse("sessions_log:pair", args=[pair.pk]) + (f"#{anchor}" if anchor else "")


def _optional_url(name: str, pair: Pair) -> str | None:
    try:
        return reverse(name, args=[pair.pk])
    except NoReverseMatch:  # the pairing app may not offer this page (yet)
        return None


def _explanation_lines(pair: Pair) -> list[str]:
    """Pair.explanation (from the pairing engine) as short sentences for the partners."""
    explanation = pair.explanation if isinstance(pair.explanation, dict) else {}
    junior, senior = pair.junior.user.full_name, pair.senior.user.full_name
    lines = []
    for key, teacher, learner in (("reverse_flows", junior, senior),
                                  ("forward_flows", senior, junior)):
        skills = [str(flow.get("skill")) for flow in explanation.get(key) or []
                  if isinstance(flow, dict) and flow.get("skill")]
        if skills:
            lines.append(f"{teacher} can teach {learner}: {', '.join(skills)}.")
    return lines


def _log_form(pair: Pair, viewer, *, data=None, initial=None) -> SessionLogForm:
    initial = initial or {"held_on": timezone.localdate(), "minutes": 45}
    return SessionLogForm(data, initial=initial, pair=pair,
                          pair_skills=selectors.skills_of_pair(pair),
                          meetings=selectors.loggable_meetings(pair),
                          zone=selectors.zone_of(viewer))


def _render_pair(request: HttpRequest, pair: Pair, *, template: str = "sessions_log/pair.html",
                 log_form: SessionLogForm | None = None, goal_form: GoalForm | None = None,
                 status: int = 200) -> HttpResponse:
    page = selectors.pair_page(pair, request.user)
    return render(request, template, {
        "page": page, "pair": pair,
        "log_form": log_form or _log_form(pair, request.user),
        "goal_form": goal_form or GoalForm(),
        "why_url": _optional_url("pairing:my_pair", pair),
        "explanation": _explanation_lines(pair),
        "rematch_url": _optional_url("pairing:rematch_request", pair),
    }, status=status)


@require_GET
@participant_view
def pair_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pair = selectors.pair_for_member(request.user, pk)
    log_form = None
    # "Log it" next to a meeting that has happened opens the form filled in for that meeting.
    meeting_id = request.GET.get("log_meeting", "")
    if meeting_id.isdigit():
        meeting = selectors.loggable_meetings(pair).filter(pk=int(meeting_id)).first()
        if meeting is not None and not meeting.logged:
            log_form = _log_form(pair, request.user, initial={
                "meeting": meeting, "minutes": meeting.duration_minutes,
                "held_on": timezone.localtime(meeting.starts_at).date()})
            log_form.prefilled = True
    return _render_pair(request, pair, log_form=log_form)


@require_POST
@participant_view
def agreement_accept(request: HttpRequest, pk: int) -> HttpResponse:
    pair = selectors.pair_for_member(request.user, pk)
    try:
        services.accept_agreement(pair=pair, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "You have accepted the mentoring agreement.")
    return redirect(_pair_url(pair, "agreement"))


# --- meetings ----------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
@participant_view
def meeting_new(request: HttpRequest, pk: int) -> HttpResponse:
    pair = selectors.pair_for_member(request.user, pk)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.propose_meeting(pair=pair, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Meeting scheduled: you both get a calendar invite.")
            return redirect(_pair_url(pair, "meetings"))
    return render(request, "sessions_log/meeting_form.html", {
        "pair": pair, "form": form, "meeting": None,
        "agreement_complete": services.agreement_complete(pair),
        "zone": selectors.zone_of(request.user).key,
    })


@require_http_methods(["GET", "POST"])
@participant_view
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_for_member(request.user, pk)
    pair = meeting.pair
    form = MeetingForm(request.POST or None, initial={
        "starts_at": meeting.starts_at, "duration_minutes": meeting.duration_minutes,
        "location": meeting.location})
    if request.method == "POST" and form.is_valid():
        try:
            services.reschedule_meeting(meeting=meeting, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Meeting moved: you both get an updated invite.")
            return redirect(_pair_url(pair, "meetings"))
    return render(request, "sessions_log/meeting_form.html", {
        "pair": pair, "form": form, "meeting": meeting, "agreement_complete": True,
        "zone": selectors.zone_of(request.user).key,
    })


@require_POST
@participant_view
def meeting_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_for_member(request.user, pk)
    try:
        services.cancel_meeting(meeting=meeting, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Meeting cancelled: you both get a cancellation for your "
                                  "calendars.")
    return redirect(_pair_url(meeting.pair, "meetings"))


@require_GET
@participant_view
def meeting_ics(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_for_member(request.user, pk)
    cancelled = meeting.status == Meeting.Status.CANCELLED
    response = HttpResponse(ics.build_invite(meeting, cancel=cancelled),
                            content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response


# --- session logs ------------------------------------------------------------------------------

def _log_kwargs(form: SessionLogForm) -> dict:
    data = form.cleaned_data
    return {"held_on": data["held_on"], "minutes": data["minutes"],
            "direction": data["direction"], "skills": data["all_skills"],
            "shared_summary": data["shared_summary"], "private_note": data["private_note"],
            "meeting": data["meeting"]}


@require_POST
@participant_view
def session_log_create(request: HttpRequest, pk: int) -> HttpResponse:
    """The log form on the pair page posts here; htmx gets the sessions section back."""
    pair = selectors.pair_for_member(request.user, pk)
    form = _log_form(pair, request.user, data=request.POST)
    if form.is_valid():
        try:
            services.log_session(pair=pair, by=request.user, **_log_kwargs(form))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Session logged.")
            if not request.htmx:
                return redirect(_pair_url(pair, "sessions"))
            form = None
    template = "sessions_log/pair.html#sessions" if request.htmx else "sessions_log/pair.html"
    return _render_pair(request, pair, template=template, log_form=form,
                        status=200 if form is None or request.htmx else 400)


@require_http_methods(["GET", "POST"])
@participant_view
def session_log_edit(request: HttpRequest, pk: int) -> HttpResponse:
    log = selectors.session_log_for_member(request.user, pk)
    if log.logged_by_id != request.user.pk:
        raise Http404("Only the person who logged a session can edit it.")
    note = log.my_notes[0].body if log.my_notes else ""
    pair_skills = selectors.skills_of_pair(log.pair)
    pair_skill_ids = set(pair_skills.values_list("pk", flat=True))
    covered = list(log.skills.all())
    initial = {"held_on": log.held_on, "minutes": log.minutes, "direction": log.direction,
               "meeting": log.meeting,
               "skills": [s for s in covered if s.pk in pair_skill_ids],
               "other_skills": [s for s in covered if s.pk not in pair_skill_ids],
               "shared_summary": log.shared_summary, "private_note": note}
    form = SessionLogForm(request.POST or None, initial=initial, pair=log.pair,
                          pair_skills=pair_skills,
                          meetings=selectors.loggable_meetings(log.pair),
                          zone=selectors.zone_of(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_session_log(log=log, by=request.user, **_log_kwargs(form))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Session updated.")
            return redirect(_pair_url(log.pair, "sessions"))
    return render(request, "sessions_log/session_log_form.html",
                  {"pair": log.pair, "log": log, "form": form})


@require_POST
@participant_view
def session_log_delete(request: HttpRequest, pk: int) -> HttpResponse:
    log = selectors.session_log_for_member(request.user, pk)
    try:
        services.delete_session_log(log=log, by=request.user)
    except PermissionDenied:
        raise Http404("Only the person who logged a session can delete it.") from None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Session deleted.")
    return redirect(_pair_url(log.pair, "sessions"))


@require_http_methods(["GET", "POST"])
@participant_view
def private_note_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Either partner keeps a private note on any of the pair's sessions."""
    log = selectors.session_log_for_member(request.user, pk)
    note = log.my_notes[0].body if log.my_notes else ""
    form = PrivateNoteForm(request.POST or None, initial={"body": note})
    if request.method == "POST" and form.is_valid():
        try:
            services.save_private_note(log=log, author=request.user,
                                       body=form.cleaned_data["body"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Your private note is saved.")
            return redirect(_pair_url(log.pair, "sessions"))
    return render(request, "sessions_log/private_note_form.html",
                  {"pair": log.pair, "log": log, "form": form})


# --- goals -------------------------------------------------------------------------------------

@require_POST
@participant_view
def goal_create(request: HttpRequest, pk: int) -> HttpResponse:
    pair = selectors.pair_for_member(request.user, pk)
    form = GoalForm(request.POST)
    if form.is_valid():
        try:
            services.add_goal(pair=pair, owner=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Goal added: your partner can see it.")
            return redirect(_pair_url(pair, "goals"))
    return _render_pair(request, pair, goal_form=form, status=400)


@require_http_methods(["GET", "POST"])
@participant_view
def goal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    goal = selectors.goal_for_owner(request.user, pk)
    form = GoalUpdateForm(request.POST or None, initial={
        "title": goal.title, "status": goal.status, "progress_note": goal.progress_note})
    if request.method == "POST" and form.is_valid():
        try:
            services.update_goal(goal=goal, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Goal updated.")
            return redirect(_pair_url(goal.pair, "goals"))
    return render(request, "sessions_log/goal_form.html",
                  {"pair": goal.pair, "goal": goal, "form": form})


# --- fit check and surveys ---------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
@participant_view
def fit_check(request: HttpRequest, pk: int) -> HttpResponse:
    pair = selectors.pair_for_member(request.user, pk)
    existing = FitCheck.objects.filter(pair=pair, respondent=request.user).first()
    is_open = SessionLog.objects.filter(pair=pair).exists()
    form = FitCheckForm(request.POST or None, initial={
        "answer": existing.answer, "comment": existing.comment} if existing else None)
    if request.method == "POST" and form.is_valid():
        try:
            existing = services.answer_fit_check(pair=pair, respondent=request.user,
                                                 **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Thank you: your answer is saved.")
            if existing.answer != FitCheck.Answer.NO:
                return redirect(_pair_url(pair, "surveys"))
            return redirect(reverse("sessions_log:fit_check", args=[pair.pk]))
    return render(request, "sessions_log/fit_check.html", {
        "pair": pair, "form": form, "existing": existing, "is_open": is_open,
        "rematch_url": _optional_url("pairing:rematch_request", pair),
        "rematch_asked": RematchRequest.objects.filter(
            pair=pair, requested_by=request.user, status=RematchRequest.Status.OPEN).exists(),
        "closed": pair.cohort.status == "closed",
    })


@require_http_methods(["GET", "POST"])
@participant_view
def pulse(request: HttpRequest, pk: int) -> HttpResponse:
    pair = selectors.pair_for_member(request.user, pk)
    period = services.current_pulse_period(pair)
    existing = (Pulse.objects.filter(pair=pair, respondent=request.user, period=period).first()
                if period is not None else None)
    form = PulseForm(request.POST or None, initial={
        "score": existing.score, "comment": existing.comment} if existing else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_pulse(pair=pair, respondent=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Thank you: your pulse is saved.")
            return redirect(_pair_url(pair, "surveys"))
    return render(request, "sessions_log/pulse.html", {
        "pair": pair, "form": form, "existing": existing, "period": period,
        "opens_at": services.pulse_due_at(pair, 0) if pair.published_at else None,
        "closed": pair.cohort.status == "closed",
    })


@require_http_methods(["GET", "POST"])
@participant_view
def impact_survey(request: HttpRequest, pk: int, stage: str) -> HttpResponse:
    enrolment = selectors.enrolment_for(request.user, pk)
    if stage not in ImpactSurvey.Stage.values:
        raise Http404("No such survey")
    existing = ImpactSurvey.objects.filter(enrolment=enrolment, stage=stage).first()
    is_open = services.open_impact_stage(enrolment) == stage
    form = ImpactSurveyForm(request.POST or None, initial={
        name: getattr(existing, name) for name in ImpactSurvey.AREAS} if existing else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_impact_survey(enrolment=enrolment, respondent=request.user,
                                          stage=stage, scores=form.scores())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Thank you: your answers are saved.")
            return redirect("mentoring:home")
    return render(request, "sessions_log/impact_survey.html", {
        "enrolment": enrolment, "stage": stage, "form": form, "existing": existing,
        "is_open": is_open, "final": stage == ImpactSurvey.Stage.FINAL,
    })


# --- the close ---------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
@participant_view
def reflection(request: HttpRequest, pk: int) -> HttpResponse:
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
            return redirect(_pair_url(pair, "surveys"))
    return render(request, "sessions_log/reflection.html", {
        "pair": pair, "form": form, "partner": pair.partner_of(request.user),
        "is_open": services.reflection_open(pair),
        "opens_on": services.final_survey_opens_on(pair.cohort),
    })


@require_GET
@participant_view
def contribution_record(request: HttpRequest) -> HttpResponse:
    """The person's own record of what they gave and received, to keep as evidence."""
    record = selectors.contribution_record(request.user)
    if request.GET.get("format") == "txt":
        response = render(request, "sessions_log/contribution_record.txt",
                          {"record": record, "person": request.user},
                          content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="twoway-contribution-record.txt"'
        return response
    return render(request, "sessions_log/contribution_record.html", {"record": record})
