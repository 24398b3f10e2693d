"""Reads of a pair's way along its programme's session plan: where the pair is, the next
step's agenda, and whether the pair is on track.

A step is due ``due_week`` weeks after the pair starts (the day it was published, or the
cohort's start if that is later). A pair is *behind* when its next step's due day is more
than ``GRACE_DAYS`` ago; until then it is on track.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone

from mentoring.models import PlanStep
from pairing.models import Pair
from sessions_log.models import SessionLog
from sessions_log.plan_models import PairStepProgress

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

GRACE_DAYS = 7


def pair_start(pair: Pair) -> date:
    published = timezone.localdate(pair.published_at) if pair.published_at else None
    starts = pair.cohort.starts_on
    candidates = [d for d in (published, starts) if d is not None]
    return max(candidates) if candidates else timezone.localdate()


@dataclass
class PairStep:
    step: PlanStep
    number: int
    state: str
    due_on: date
    done_at: object = None

    @property
    def is_todo(self) -> bool:
        return self.state == PairStepProgress.State.TODO

    @property
    def state_label(self) -> str:
        return PairStepProgress.State(self.state).label


@dataclass
class PairPlan:
    pair: Pair
    steps: list[PairStep]
    today: date
    start: date
    guide: str = ""
    partner_guide: str = ""
    viewer_side: str = ""
    first_session_logged: bool = True
    skipped: list[PairStep] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.steps)

    @property
    def has_plan(self) -> bool:
        return bool(self.steps)

    @property
    def done(self) -> int:
        return sum(1 for s in self.steps if s.state == PairStepProgress.State.DONE)

    @property
    def finished(self) -> int:
        return sum(1 for s in self.steps if not s.is_todo)

    @property
    def next_step(self) -> PairStep | None:
        return next((s for s in self.steps if s.is_todo), None)

    @property
    def pending(self) -> list[PairStep]:
        return [s for s in self.steps if s.is_todo]

    @property
    def days_late(self) -> int:
        nxt = self.next_step
        return max((self.today - nxt.due_on).days, 0) if nxt else 0

    @property
    def behind(self) -> bool:
        return self.next_step is not None and self.days_late > GRACE_DAYS

    @property
    def complete(self) -> bool:
        return self.has_plan and self.next_step is None

    @property
    def status(self) -> str:
        if not self.has_plan:
            return "none"
        if self.complete:
            return "complete"
        return "behind" if self.behind else "on_track"

    @property
    def week(self) -> int:
        return max((self.today - self.start).days // 7, 0)


class _PairProgress(TypedDict):
    pair_state: str | None
    pair_position: int | None
    pair_at: datetime | None
    pair_met: bool


def _steps_of(pair: Pair) -> list[WithAnnotations[PlanStep, _PairProgress]]:
    """The programme's steps, each with this pair's state, order and tick, and whether the
    pair has logged a session yet: one query, kept on the pair object for the request (the
    plan services drop it when they change the plan)."""
    cached = pair.__dict__.get("_plan_steps")
    if cached is not None:
        return cached
    mine = PairStepProgress.objects.filter(pair=pair, step=OuterRef("pk"))
    steps: list[WithAnnotations[PlanStep, _PairProgress]] = list(
        PlanStep.objects.filter(programme_id=pair.cohort.programme_id)
        .annotate(
            pair_state=Subquery(mine.values("state")[:1]),
            pair_position=Subquery(mine.values("position")[:1]),
            pair_at=Subquery(mine.values("at")[:1]),
            pair_met=Exists(SessionLog.objects.filter(pair=pair)),
        )
        .order_by("position", "pk")
    )
    pair.__dict__["_plan_steps"] = steps
    return steps


def forget_plan(pair: Pair) -> None:
    pair.__dict__.pop("_plan_steps", None)


def pair_plan(pair: Pair, viewer=None, today: date | None = None) -> PairPlan:
    """The pair's plan in the pair's own order."""
    today = today or timezone.localdate()
    start = pair_start(pair)
    steps = _steps_of(pair)

    def key(step: WithAnnotations[PlanStep, _PairProgress]) -> tuple[int, int, int]:
        own = step.pair_position
        return (own if own is not None else step.position, 0 if own is not None else 1, step.pk)

    ordered = [
        PairStep(
            step=step,
            number=n,
            state=step.pair_state or PairStepProgress.State.TODO,
            due_on=start + timedelta(weeks=step.due_week),
            done_at=step.pair_at,
        )
        for n, step in enumerate(sorted(steps, key=key), start=1)
    ]
    plan = PairPlan(pair=pair, steps=ordered, today=today, start=start)
    plan.first_session_logged = bool(steps) and steps[0].pair_met
    if viewer is not None:
        programme = pair.cohort.programme
        junior = pair.junior.user_id == viewer.pk
        plan.viewer_side = "junior" if junior else "senior"
        plan.guide = programme.junior_guide if junior else programme.senior_guide
        plan.partner_guide = programme.senior_guide if junior else programme.junior_guide
    plan.skipped = [s for s in plan.steps if s.state == PairStepProgress.State.SKIPPED]
    return plan


def next_step_for(pair: Pair) -> PairStep | None:
    return pair_plan(pair).next_step


def agenda_text(pair: Pair) -> str:
    """The next step's agenda as plain text, for a calendar invite or a text email."""
    nxt = next_step_for(pair)
    if nxt is None:
        return ""
    step = nxt.step
    lines = [f"Next in your plan: {step.title} (step {nxt.number}, due {nxt.due_on:%-d %B %Y})"]
    if step.topic:
        lines.append(f"Topic: {step.topic}")
    if step.junior_prompt_lines:
        lines.append("What the junior brings:")
        lines += [f"- {line}" for line in step.junior_prompt_lines]
    if step.senior_prompt_lines:
        lines.append("What the senior brings back:")
        lines += [f"- {line}" for line in step.senior_prompt_lines]
    return "\n".join(lines)
