"""The pair page, the agreement, session logs, private notes and goals."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthenticatedHttpRequest
from sessions_log import selectors, services
from sessions_log.forms import (
    GoalForm,
    GoalUpdateForm,
    PrivateNoteForm,
    SessionLogForm,
)
from sessions_log.plan_forms import plan_step_to_tick
from sessions_log.views.shared import (
    log_form_for,
    pair_url,
    participant_view,
    render_pair,
)


@require_GET
@participant_view
def pair_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    pair = selectors.pair_for_member(request.user, pk)
    log_form: SessionLogForm | None = None
    # "Log it" next to a meeting that has happened opens the form filled in for that meeting.
    meeting_id = request.GET.get("log_meeting", "")
    if meeting_id.isdigit():
        meeting = selectors.loggable_meetings(pair).filter(pk=int(meeting_id)).first()
        if meeting is not None and not meeting.logged:
            log_form = log_form_for(
                pair,
                request.user,
                initial={
                    "meeting": meeting,
                    "minutes": meeting.duration_minutes,
                    "held_on": timezone.localtime(meeting.starts_at).date(),
                },
            )
    return render_pair(request, pair, log_form=log_form, log_form_open=log_form is not None)


@require_POST
@participant_view
def agreement_accept(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    pair = selectors.pair_for_member(request.user, pk)
    try:
        services.accept_agreement(pair=pair, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "You have accepted the mentoring agreement.")
    return redirect(pair_url(pair, "agreement"))


# --- session logs ------------------------------------------------------------------------------


@require_GET
@participant_view
def session_log_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The session log form on a page of its own, which "Log a session" on the pair page links
    to; htmx gets only the form, loaded when the person opens "Log a session" (building and
    rendering the form on every view of the pair page cost a quarter of its time)."""
    pair = selectors.pair_for_member(request.user, pk)
    template = (
        "sessions_log/session_log_new.html#log_form"
        if request.htmx
        else "sessions_log/session_log_new.html"
    )
    log_form = log_form_for(pair, request.user) if selectors.pair_is_open(pair) else None
    response = render(request, template, {"pair": pair, "log_form": log_form})
    patch_vary_headers(response, ("HX-Request",))  # one address, the page or its form
    return response


def _log_kwargs(form: SessionLogForm) -> dict:
    data = form.cleaned_data
    return {
        "held_on": data["held_on"],
        "minutes": data["minutes"],
        "direction": data["direction"],
        "skills_reverse": data["all_skills_reverse"],
        "skills_forward": data["all_skills_forward"],
        "shared_summary": data["shared_summary"],
        "private_note": data["private_note"],
        "meeting": data["meeting"],
    }


@require_POST
@participant_view
def session_log_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The log form on the pair page posts here; htmx gets the sessions section back."""
    pair = selectors.pair_for_member(request.user, pk)
    form = log_form_for(pair, request.user, data=request.POST)
    logged = False
    if form.is_valid():
        try:
            services.log_session_once(
                form_token=form.cleaned_data.get("form_token"),
                pair=pair,
                by=request.user,
                plan_step=plan_step_to_tick(form, pair),
                **_log_kwargs(form),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Session logged.")
            if not request.htmx:
                return redirect(pair_url(pair, "sessions"))
            logged = True
    template = "sessions_log/pair.html#sessions" if request.htmx else "sessions_log/pair.html"
    return render_pair(
        request,
        pair,
        template=template,
        log_form=None if logged else form,  # logged: a fresh form for the next session
        status=200 if logged or request.htmx else 400,
    )


@require_http_methods(["GET", "POST"])
@participant_view
def session_log_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    log = selectors.session_log_for_member(request.user, pk)
    if log.logged_by_id != request.user.pk:
        raise Http404("Only the person who logged a session can edit it.")
    note = selectors.my_note_body(log, request.user)
    skills_each_way = selectors.skills_each_way(log.pair)
    pair_skill_ids = set(skills_each_way.values_list("pk", flat=True))
    initial = {
        "held_on": log.held_on,
        "minutes": log.minutes,
        "direction": log.direction,
        "meeting": log.meeting,
        "shared_summary": log.shared_summary,
        "private_note": note,
    }
    for way in ("reverse", "forward"):
        covered = list(getattr(log, f"skills_{way}").all())
        initial[f"skills_{way}"] = [s for s in covered if s.pk in pair_skill_ids]
        initial[f"other_skills_{way}"] = [s for s in covered if s.pk not in pair_skill_ids]
    form = SessionLogForm(
        request.POST or None,
        initial=initial,
        pair=log.pair,
        skills_each_way=skills_each_way,
        meetings=selectors.loggable_meetings(log.pair),
        zone=selectors.zone_of(request.user),
        with_plan=False,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_session_log(log=log, by=request.user, **_log_kwargs(form))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Session updated.")
            return redirect(pair_url(log.pair, "sessions"))
    return render(
        request, "sessions_log/session_log_form.html", {"pair": log.pair, "log": log, "form": form}
    )


@require_POST
@participant_view
def session_log_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    log = selectors.session_log_for_member(request.user, pk)
    try:
        services.delete_session_log(log=log, by=request.user)
    except PermissionDenied:
        raise Http404("Only the person who logged a session can delete it.") from None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Session deleted.")
    return redirect(pair_url(log.pair, "sessions"))


@require_http_methods(["GET", "POST"])
@participant_view
def private_note_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Either partner keeps a private note on any of the pair's sessions."""
    log = selectors.session_log_for_member(request.user, pk)
    note = selectors.my_note_body(log, request.user)
    form = PrivateNoteForm(request.POST or None, initial={"body": note})
    if request.method == "POST" and form.is_valid():
        try:
            services.save_private_note(log=log, author=request.user, body=form.cleaned_data["body"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Your private note is saved.")
            return redirect(pair_url(log.pair, "sessions"))
    return render(
        request, "sessions_log/private_note_form.html", {"pair": log.pair, "log": log, "form": form}
    )


# --- goals -------------------------------------------------------------------------------------


@require_GET
@participant_view
def goal_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The form to set a goal on a page of its own, which "Set a goal" on the pair page links
    to; htmx gets only the form, loaded when the person opens "Set a goal" (building and
    rendering it, the plan's suggestions included, on every view of the pair page cost a tenth
    of its time)."""
    pair = selectors.pair_for_member(request.user, pk)
    template = (
        "sessions_log/goal_new.html#goal_form" if request.htmx else "sessions_log/goal_new.html"
    )
    goal_form = GoalForm(pair=pair) if selectors.pair_is_open(pair) else None
    response = render(request, template, {"pair": pair, "goal_form": goal_form})
    patch_vary_headers(response, ("HX-Request",))  # one address, the page or its form
    return response


@require_POST
@participant_view
def goal_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    pair = selectors.pair_for_member(request.user, pk)
    form = GoalForm(request.POST, pair=pair)
    if form.is_valid():
        try:
            services.add_goal_once(pair=pair, owner=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Goal added: your partner can see it.")
            return redirect(pair_url(pair, "goals"))
    return render_pair(request, pair, goal_form=form, status=400)


@require_http_methods(["GET", "POST"])
@participant_view
def goal_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    goal = selectors.goal_for_owner(request.user, pk)
    form = GoalUpdateForm(
        request.POST or None,
        initial={
            "title": goal.title,
            "status": goal.status,
            "progress_note": goal.progress_note,
            "due_on": goal.due_on,
            "progress": goal.progress,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_goal(goal=goal, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Goal updated.")
            return redirect(pair_url(goal.pair, "goals"))
    return render(
        request, "sessions_log/goal_form.html", {"pair": goal.pair, "goal": goal, "form": form}
    )
