"""The pair's own plan: mark a step done or skipped, put it back, move it in the pair's order
(htmx swaps #plan; without JavaScript the page reloads at #plan), and the guides page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from accounts.http import AuthenticatedHttpRequest
from mentoring.models import Cohort, PlanStep
from pairing.models import Pair
from sessions_log import selectors
from sessions_log.plan import pair_plan
from sessions_log.plan_models import PairStepProgress
from sessions_log.services import plan as plan_services
from sessions_log.views.shared import pair_url, participant_view

ACTIONS = {
    "done": PairStepProgress.State.DONE,
    "skip": PairStepProgress.State.SKIPPED,
    "todo": PairStepProgress.State.TODO,
}


def _is_open(pair: Pair) -> bool:
    return pair.status == Pair.Status.ACTIVE and pair.cohort.status != Cohort.Status.CLOSED


@require_POST
@participant_view
def plan_step(request: AuthenticatedHttpRequest, pk: int, step_pk: int) -> HttpResponse:
    pair = selectors.pair_for_member(request.user, pk)
    step = PlanStep.objects.filter(pk=step_pk, programme_id=pair.cohort.programme_id).first()
    if step is None:
        raise Http404("No such step in your plan")
    action = request.POST.get("action", "")
    try:
        if action in ("up", "down"):
            plan_services.move_step(pair=pair, step=step, by=request.user, direction=action)
        elif action in ACTIONS:
            plan_services.set_step_state(
                pair=pair, step=step, by=request.user, state=ACTIONS[action]
            )
        else:
            raise ValidationError("Choose what to do with the step.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    if not request.htmx:
        return redirect(pair_url(pair, "plan"))
    return render(
        request,
        "sessions_log/_plan.html",
        {
            "pair": pair,
            "plan": pair_plan(pair, request.user),
            "page": {"is_open": _is_open(pair)},
        },
    )


@require_GET
@participant_view
def plan_guide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The guides for both sides and the whole plan with every step's agenda."""
    pair = selectors.pair_for_member(request.user, pk)
    return render(
        request,
        "sessions_log/plan_guide.html",
        {"pair": pair, "plan": pair_plan(pair, request.user)},
    )
