"""The session log form's offer to tick a plan step: a checkbox, ticked, naming the pair's next
step, and a choice of any step still to do."""

from __future__ import annotations

from django import forms

from mentoring.models import PlanStep
from pairing.models import Pair


def add_plan_fields(form: forms.Form, pair: Pair) -> None:
    from sessions_log.plan import pair_plan

    plan = pair_plan(pair)
    pending = plan.pending
    if not pending:
        return
    nxt = pending[0]
    form.fields["tick_plan_step"] = forms.BooleanField(
        label="This session covered a step of our plan: tick it",
        required=False,
        initial=True,
    )
    form.fields["plan_step"] = forms.TypedChoiceField(
        label="Which step",
        choices=[(item.step.pk, f"Step {item.number}: {item.step.title}") for item in pending],
        coerce=int,
        required=False,
        initial=nxt.step.pk,
        help_text="The next step is chosen; pick another if you took them in a different order.",
    )


def plan_step_to_tick(form: forms.Form, pair: Pair) -> PlanStep | None:
    """The step the person chose to tick, if they did."""
    data = form.cleaned_data
    if (
        "plan_step" not in form.fields
        or not data.get("tick_plan_step")
        or not data.get("plan_step")
    ):
        return None
    return PlanStep.objects.filter(
        pk=data["plan_step"], programme_id=pair.cohort.programme_id
    ).first()
