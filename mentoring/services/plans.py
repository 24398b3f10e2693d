"""HR's edits of a programme's session plan and guides. Positions stay 1..n with no gaps, so
"move up" and "move down" are one swap and the pair pages can say "step 3 of 8"."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from mentoring.models import PlanStep, Programme
from mentoring.plan_resources import clean_resources

STEP_FIELDS = (
    "kind",
    "title",
    "topic",
    "junior_prompts",
    "senior_prompts",
    "due_week",
    "resources",
)
MAX_STEPS = 60


def check_step_values(values: dict) -> dict:
    values = dict(values)
    values["title"] = " ".join(str(values.get("title", "")).split())
    if not values["title"]:
        raise ValidationError("Give the step a title.")
    if values.get("kind") not in PlanStep.Kind.values:
        raise ValidationError("Choose what kind of step this is.")
    week = values.get("due_week")
    if not isinstance(week, int) or isinstance(week, bool) or not 0 <= week <= PlanStep.MAX_WEEK:
        raise ValidationError(f"The due week must be a whole number from 0 to {PlanStep.MAX_WEEK}.")
    values["topic"] = " ".join(str(values.get("topic", "")).split())
    for key in ("junior_prompts", "senior_prompts"):
        values[key] = str(values.get(key, "")).strip()
    values["resources"] = clean_resources(values.get("resources") or [])
    return {key: values[key] for key in STEP_FIELDS}


def _renumber(programme: Programme) -> None:
    steps = list(PlanStep.objects.filter(programme=programme).order_by("position", "pk"))
    changed = []
    for n, step in enumerate(steps, start=1):
        if step.position != n:
            step.position = n
            changed.append(step)
    PlanStep.objects.bulk_update(changed, ["position"])


def _lock(programme: Programme) -> Programme:
    """Edits of one plan queue behind each other, so two tabs never share a position."""
    return Programme.objects.select_for_update().get(pk=programme.pk)


@transaction.atomic
def step_add(*, programme: Programme, **values) -> PlanStep:
    programme = _lock(programme)
    clean = check_step_values(values)
    count = PlanStep.objects.filter(programme=programme).count()
    if count >= MAX_STEPS:
        raise ValidationError(f"A plan holds at most {MAX_STEPS} steps.")
    return PlanStep.objects.create(programme=programme, position=count + 1, **clean)


@transaction.atomic
def step_update(*, step: PlanStep, **values) -> PlanStep:
    _lock(step.programme)
    clean = check_step_values(values)
    for key, value in clean.items():
        setattr(step, key, value)
    step.save(update_fields=list(clean))
    return step


@transaction.atomic
def step_delete(*, step: PlanStep) -> None:
    programme = _lock(step.programme)
    step.delete()
    _renumber(programme)


@transaction.atomic
def step_move(*, step: PlanStep, by: int) -> PlanStep:
    """Swap the step with its neighbour: ``by`` -1 moves it up, +1 down; at an end, nothing."""
    programme = _lock(step.programme)
    _renumber(programme)
    steps = list(PlanStep.objects.filter(programme=programme).order_by("position"))
    index = next(i for i, s in enumerate(steps) if s.pk == step.pk)
    other = index + (1 if by > 0 else -1)
    if not 0 <= other < len(steps):
        return steps[index]
    a, b = steps[index], steps[other]
    a.position, b.position = b.position, a.position
    PlanStep.objects.bulk_update([a, b], ["position"])
    return a


@transaction.atomic
def guides_update(*, programme: Programme, junior_guide: str, senior_guide: str) -> Programme:
    programme.junior_guide = junior_guide.strip()
    programme.senior_guide = senior_guide.strip()
    programme.save(update_fields=["junior_guide", "senior_guide"])
    return programme
