"""The session log form's offer to tick a plan step: a checkbox, ticked, naming the pair's next
step, and a choice of any step still to do."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

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


@dataclass(frozen=True)
class GoalSuggestion:
    """A goal the plan offers: a session step's topic, due when the step is."""

    title: str
    due_on: date


def add_goal_suggestions(form: forms.Form, pair: Pair) -> dict[int, GoalSuggestion]:
    """ "Suggest from the plan": a goal drawn from a session step's topic, due when the step is.
    Returns the suggestions by step id, for `clean_goal_suggestion`."""
    from sessions_log.plan import pair_plan

    steps = [item for item in pair_plan(pair).steps if item.step.kind == PlanStep.Kind.SESSION]
    if not steps:
        return {}
    suggestions = {
        item.step.pk: GoalSuggestion(title=goal_title(item.step), due_on=item.due_on)
        for item in steps
    }
    form.fields["suggestion"] = forms.TypedChoiceField(
        label="Or suggest one from the plan",
        choices=[("", "—")]
        + [
            (pk, f"{suggestion.title} (by {suggestion.due_on:%-d %b})")
            for pk, suggestion in suggestions.items()
        ],
        coerce=int,
        required=False,
        empty_value=None,
        help_text="Leave the goal empty to take the topic's wording; the date comes from the plan.",
    )
    form.fields["title"].required = False
    form.order_fields(["suggestion", "title", "due_on", "progress_note"])
    return suggestions


def goal_title(step: PlanStep) -> str:
    return (
        f"{step.topic}: {step.title}" if step.topic and step.topic not in step.title else step.title
    )


def clean_goal_suggestion(
    form: forms.Form, data: dict[str, Any], suggestions: dict[int, GoalSuggestion]
) -> dict[str, Any]:
    picked = data.pop("suggestion", None)
    suggestion = suggestions.get(picked) if picked is not None else None
    if suggestion is not None:
        if not (data.get("title") or "").strip():
            data["title"] = suggestion.title
        if not data.get("due_on"):
            data["due_on"] = suggestion.due_on
    if "title" in data and not (data.get("title") or "").strip():
        form.add_error("title", "Say what you want to learn, or pick a topic from the plan.")
    return data
