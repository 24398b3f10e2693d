"""Per-pair scores and their explanation in words and points (no Django).

The vectorised scoring in score.py decides who is paired; this module says why, pair by pair,
with the same formula (DESIGN.md "Pairing score"), so the points always sum to the score."""

from __future__ import annotations

import functools
from collections.abc import Mapping

from pairing.engine.score import timezone_gap
from pairing.engine.types import DEFAULT_WEIGHTS, NO_RULES, Flow, Person, Proposal, Rules, Weights


def check_weights(weights: Weights, rules: Rules) -> None:
    for name in ("reverse", "forward", "forward_bonus", "department", "location"):
        if getattr(weights, name) < 0:
            raise ValueError(f"the {name.replace('_', ' ')} weight must not be negative")
    if any(points < 0 for points in rules.bonus.values()):
        raise ValueError("a preference bonus must not be negative")


def _flows(teach: Mapping[int, int], learn: Mapping[int, int]) -> tuple[tuple[Flow, ...], int]:
    """The skills flowing from `teach` to `learn`, biggest first, and their total points."""
    found = []
    for skill in teach.keys() & learn.keys():
        level, priority = teach[skill], learn[skill]
        if priority and level:
            found.append((-level * priority, skill, level, priority))
    if not found:
        return (), 0
    if len(found) == 1:
        _, skill, level, priority = found[0]
        return (_flow(skill, level, priority),), level * priority
    found.sort()
    return (
        tuple(_flow(skill, level, priority) for _, skill, level, priority in found),
        -sum(f[0] for f in found),
    )


@functools.lru_cache(maxsize=8192)
def _flow(skill: int, level: int, priority: int) -> Flow:
    return Flow(skill, int(level), int(priority))  # frozen: one shared instance is safe


@functools.lru_cache(maxsize=4096)
def _normal(value: str) -> str:
    return (value or "").strip().casefold()


def _differ(a: str, b: str) -> bool:
    a, b = _normal(a), _normal(b)
    return bool(a and b and a != b)


def explain(
    junior: Person,
    senior: Person,
    weights: Weights,
    locked: bool = False,
    bonus: Mapping[tuple[int, int], int] | None = None,
) -> Proposal:
    reverse_flows, reverse = _flows(junior.teach, senior.learn)
    forward_flows, forward = _flows(senior.teach, junior.learn)
    points = (
        weights.reverse * reverse,
        weights.forward * forward,
        weights.forward_bonus if forward > 0 else 0,
        weights.department if _differ(junior.department, senior.department) else 0,
        weights.location if _differ(junior.location, senior.location) else 0,
    )
    extra = int((bonus or {}).get((junior.id, senior.id), 0))
    breakdown = tuple(zip(CRITERIA, points, strict=True))
    if extra:
        breakdown += ((PREFERENCE, extra),)
    return Proposal(
        junior_id=junior.id,
        senior_id=senior.id,
        score=sum(points) + extra,
        reverse=reverse,
        forward=forward,
        breakdown=breakdown,
        reverse_flows=reverse_flows,
        forward_flows=forward_flows,
        locked=locked,
    )


CRITERIA = ("reverse", "forward", "forward_bonus", "department", "location")
# Listed in a breakdown only when the pair has a shortlist bonus: most pairs have none.
PREFERENCE = "preference"


def _hours(value: float) -> str:
    return f"{value:g}"


def evaluate(
    junior: Person, senior: Person, *, weights: Weights = DEFAULT_WEIGHTS, rules: Rules = NO_RULES
) -> tuple[Proposal, list[str]]:
    """Score and explanation of one pair, eligible or not, plus the rule breaks in plain words
    (an empty list means eligible). For the board's swaps and manual pairs."""
    check_weights(weights, rules)
    proposal = explain(
        junior, senior, weights, locked=(junior.id, senior.id) in rules.locked, bonus=rules.bonus
    )
    junior_name = junior.name or "the junior"
    senior_name = senior.name or "the senior"
    breaks: list[str] = []
    if junior.user_id == senior.user_id:
        breaks.append(f"{junior_name} cannot be paired with themselves")
    if proposal.reverse <= 0:
        breaks.append("no skill flows from the junior to the senior")
    if senior.user_id in junior.manager_chain:
        breaks.append(f"{junior_name} is in {senior_name}'s reporting line")
    if junior.user_id in senior.manager_chain:
        breaks.append(f"{senior_name} is in {junior_name}'s reporting line")
    if (junior.id, senior.id) in rules.excluded:
        breaks.append("excluded by HR")
    if (junior.id, senior.id) in rules.never_again:
        breaks.append("paired before: a pair that ended is never proposed again")
    if (
        rules.min_grade_gap is not None
        and junior.grade is not None
        and senior.grade is not None
        and senior.grade - junior.grade < rules.min_grade_gap
    ):
        breaks.append(
            f"grade gap {senior.grade - junior.grade} is below the minimum {rules.min_grade_gap}"
        )
    if (
        rules.must_differ_department
        and junior.department
        and senior.department
        and not _differ(junior.department, senior.department)
    ):
        breaks.append("same department")
    if (
        rules.max_timezone_diff_hours is not None
        and junior.utc_offset_hours is not None
        and senior.utc_offset_hours is not None
    ):
        gap = float(timezone_gap(junior.utc_offset_hours, senior.utc_offset_hours))
        if gap > rules.max_timezone_diff_hours:
            breaks.append(
                f"time zones {_hours(gap)} h apart (max {_hours(rules.max_timezone_diff_hours)})"
            )
    return proposal, breaks
