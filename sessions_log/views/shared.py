"""What the pair's pages share: sign-in in the person's own time zone, and the pair page
rendered in full or as its fragments."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from accounts.http import AuthenticatedHttpRequest
from accounts.models import User
from pairing.models import Pair
from sessions_log import selectors
from sessions_log.forms import (
    GoalForm,
    SessionLogForm,
)
from sessions_log.plan import pair_plan


def participant_view(view: Callable) -> Callable:
    """Signed in, and times read and shown in the person's own time zone."""

    @login_required
    @wraps(view)
    def wrapped(request: AuthenticatedHttpRequest, *args, **kwargs) -> HttpResponse:
        with timezone.override(selectors.zone_of(request.user)):
            return view(request, *args, **kwargs)

    return wrapped


def pair_url(pair: Pair, anchor: str = "") -> str:
    return reverse("sessions_log:pair", args=[pair.pk]) + (f"#{anchor}" if anchor else "")


def explanation_lines(pair: Pair) -> list[str]:
    """Pair.explanation (from the pairing engine) as short sentences for the partners."""
    explanation = pair.explanation if isinstance(pair.explanation, dict) else {}
    junior, senior = pair.junior.user.full_name, pair.senior.user.full_name
    lines = []
    for key, teacher, learner in (
        ("reverse_flows", junior, senior),
        ("forward_flows", senior, junior),
    ):
        skills = [
            str(flow.get("skill"))
            for flow in explanation.get(key) or []
            if isinstance(flow, dict) and flow.get("skill")
        ]
        if skills:
            lines.append(f"{teacher} can teach {learner}: {', '.join(skills)}.")
    return lines


def log_form_for(pair: Pair, viewer: User, *, data=None, initial=None) -> SessionLogForm:
    initial = initial or {"held_on": timezone.localdate(), "minutes": 45}
    return SessionLogForm(
        data,
        initial=initial,
        pair=pair,
        skills_each_way=selectors.skills_each_way(pair),
        meetings=selectors.loggable_meetings(pair),
        zone=selectors.zone_of(viewer),
    )


def render_pair(
    request: AuthenticatedHttpRequest,
    pair: Pair,
    *,
    template: str = "sessions_log/pair.html",
    log_form: SessionLogForm | None = None,
    log_form_open: bool = False,
    goal_form: GoalForm | None = None,
    status: int = 200,
) -> HttpResponse:
    page = selectors.pair_page(pair, request.user)
    return render(
        request,
        template,
        {
            "page": page,
            "pair": pair,
            # None: "Log a session" loads the form when opened (views.session_log_new); a
            # form is shown in place, with its errors, or opened for the meeting to log.
            "log_form": log_form,
            "log_form_open": log_form_open,
            # None: "Set a goal" loads the form when opened (views.goal_new); a form with its
            # errors is shown in place.
            "goal_form": goal_form,
            "why_url": reverse("pairing:my_pair", args=[pair.pk]),
            "explanation": explanation_lines(pair),
            "rematch_url": reverse("pairing:rematch_request", args=[pair.pk]),
            "plan": pair_plan(pair, request.user),
        },
        status=status,
    )
