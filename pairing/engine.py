"""The pairing engine: exact, explainable pairs for a cohort. Imports nothing from Django.

Frozen dataclasses in (people, weights, rules), proposals with their explanation out. The
objective (DESIGN.md "Pairing score"): the most pairs the capacities allow, then the highest total
score, solved exactly as an assignment problem (see pairing/_solve.py); locked pairs are kept and
the rest is optimal around them. Same input, same output: people are ordered by id first.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from pairing._score import build_cohort, timezone_gap
from pairing._solve import solve_dense

__all__ = [
    "Flow",
    "PairingResult",
    "Person",
    "Proposal",
    "Rules",
    "Unmatched",
    "Weights",
    "evaluate",
    "solve",
]

NO_ELIGIBLE_PARTNER = "no eligible partner"
CAPACITY_EXHAUSTED = "capacity exhausted on the other side"
ONLY_REPORTING_LINE = "only partners in their reporting line"


@dataclass(frozen=True)
class Person:
    id: int  # the Enrolment id
    user_id: int  # the person's User id (reporting lines)
    capacity: int = 1  # how many partners this person takes
    teach: Mapping[int, int] = field(default_factory=dict)  # skill id -> teach level 1..3
    learn: Mapping[int, int] = field(default_factory=dict)  # skill id -> learn priority 1..3
    department: str = ""
    location: str = ""
    grade: int | None = None  # higher is more senior
    utc_offset_hours: float | None = None  # now, for the timezone rule
    manager_chain: frozenset[int] = frozenset()  # user ids of everyone above, any levels
    name: str = ""  # for explanation text only


@dataclass(frozen=True)
class Weights:
    reverse: int = 3
    forward: int = 2
    forward_bonus: int = 2
    department: int = 1
    location: int = 1


@dataclass(frozen=True)
class Rules:
    min_grade_gap: int | None = None  # senior.grade - junior.grade >= gap (both set)
    must_differ_department: bool = False
    max_timezone_diff_hours: float | None = None
    # (junior id, senior id), never proposed; services also put previous-cohort partners here
    excluded: frozenset[tuple[int, int]] = frozenset()
    locked: tuple[tuple[int, int], ...] = ()  # (junior id, senior id) kept as they are


@dataclass(frozen=True)
class Flow:
    skill_id: int
    teach_level: int
    learn_priority: int  # points = teach_level * learn_priority

    @property
    def points(self) -> int:
        return self.teach_level * self.learn_priority


@dataclass(frozen=True)
class Proposal:
    junior_id: int
    senior_id: int
    score: int
    reverse: int
    forward: int
    # ("reverse", 3*reverse), ("forward", 2*forward), ("forward_bonus", ..), ("department", ..),
    # ("location", ..): points per criterion, summing exactly to score
    breakdown: tuple[tuple[str, int], ...]
    reverse_flows: tuple[Flow, ...]  # junior teaches senior, biggest first
    forward_flows: tuple[Flow, ...]  # senior teaches junior, biggest first
    locked: bool = False


@dataclass(frozen=True)
class Unmatched:
    person_id: int
    side: str  # "junior" | "senior"
    free_slots: int  # capacity left unused
    reason: str  # NO_ELIGIBLE_PARTNER | CAPACITY_EXHAUSTED | ONLY_REPORTING_LINE


@dataclass(frozen=True)
class PairingResult:
    proposals: tuple[Proposal, ...]  # locked included; score desc, then junior_id, senior_id
    unmatched_juniors: tuple[Unmatched, ...]
    unmatched_seniors: tuple[Unmatched, ...]
    total_score: int  # sum of proposal scores (locked included)


def _check(weights: Weights, rules: Rules) -> None:
    for name in ("reverse", "forward", "forward_bonus", "department", "location"):
        if getattr(weights, name) < 0:
            raise ValueError(f"the {name.replace('_', ' ')} weight must not be negative")


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


def _explain(junior: Person, senior: Person, weights: Weights, locked: bool = False) -> Proposal:
    reverse_flows, reverse = _flows(junior.teach, senior.learn)
    forward_flows, forward = _flows(senior.teach, junior.learn)
    points = (
        weights.reverse * reverse,
        weights.forward * forward,
        weights.forward_bonus if forward > 0 else 0,
        weights.department if _differ(junior.department, senior.department) else 0,
        weights.location if _differ(junior.location, senior.location) else 0,
    )
    return Proposal(
        junior_id=junior.id,
        senior_id=senior.id,
        score=sum(points),
        reverse=reverse,
        forward=forward,
        breakdown=tuple(zip(CRITERIA, points, strict=True)),
        reverse_flows=reverse_flows,
        forward_flows=forward_flows,
        locked=locked,
    )


CRITERIA = ("reverse", "forward", "forward_bonus", "department", "location")


def _hours(value: float) -> str:
    return f"{value:g}"


def evaluate(
    junior: Person, senior: Person, *, weights: Weights = Weights(), rules: Rules = Rules()
) -> tuple[Proposal, list[str]]:
    """Score and explanation of one pair, eligible or not, plus the rule breaks in plain words
    (an empty list means eligible). For the board's swaps and manual pairs."""
    _check(weights, rules)
    proposal = _explain(junior, senior, weights, locked=(junior.id, senior.id) in rules.locked)
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


def solve(
    juniors: Sequence[Person],
    seniors: Sequence[Person],
    *,
    weights: Weights = Weights(),
    rules: Rules = Rules(),
    progress: Callable[[float, str], None] | None = None,
) -> PairingResult:
    """Exact: the most pairs capacities allow, then the highest total score.

    Locked pairs are kept (even if ineligible: HR's explicit choice) and use up capacity; the
    rest is optimal around them. Locks naming someone not in the cohort are ignored. Deterministic.
    """
    _check(weights, rules)
    juniors = sorted(juniors, key=lambda p: p.id)
    seniors = sorted(seniors, key=lambda p: p.id)
    junior_row = {p.id: i for i, p in enumerate(juniors)}
    senior_col = {p.id: i for i, p in enumerate(seniors)}
    if len(junior_row) != len(juniors) or len(senior_col) != len(seniors):
        raise ValueError("each person may appear only once on each side")

    capacity_j = np.asarray([max(0, int(p.capacity)) for p in juniors], dtype=np.int64)
    capacity_s = np.asarray([max(0, int(p.capacity)) for p in seniors], dtype=np.int64)
    locked_pairs: list[tuple[int, int]] = []
    for junior_id, senior_id in dict.fromkeys(rules.locked):
        if junior_id in junior_row and senior_id in senior_col:
            locked_pairs.append((junior_row[junior_id], senior_col[senior_id]))
    for row, col in locked_pairs:
        capacity_j[row] -= 1
        capacity_s[col] -= 1
    used_j = np.bincount([r for r, _ in locked_pairs], minlength=len(juniors)).astype(np.int64)
    used_s = np.bincount([c for _, c in locked_pairs], minlength=len(seniors)).astype(np.int64)
    np.maximum(capacity_j, 0, out=capacity_j)
    np.maximum(capacity_s, 0, out=capacity_s)

    cohort = build_cohort(juniors, seniors, weights, rules, also_forbidden=locked_pairs)
    answer = solve_dense(cohort, weights, rules, capacity_j, capacity_s, progress)

    proposals = [_explain(juniors[r], seniors[c], weights, locked=True) for r, c in locked_pairs]
    proposals += [_explain(juniors[r], seniors[c], weights) for r, c in answer.pairs]
    proposals.sort(key=lambda p: (-p.score, p.junior_id, p.senior_id))
    for r, c in answer.pairs:
        used_j[r] += 1
        used_s[c] += 1

    def unmatched(
        people: Sequence[Person],
        side: str,
        used: np.ndarray,
        has_any: np.ndarray,
        chain_only: np.ndarray,
    ) -> tuple[Unmatched, ...]:
        out = []
        for i, person in enumerate(people):
            free = max(0, int(person.capacity)) - int(used[i])
            if free <= 0:
                continue
            if has_any[i]:
                reason = CAPACITY_EXHAUSTED
            elif chain_only[i]:
                reason = ONLY_REPORTING_LINE
            else:
                reason = NO_ELIGIBLE_PARTNER
            out.append(Unmatched(person.id, side, free, reason))
        return tuple(out)

    return PairingResult(
        proposals=tuple(proposals),
        unmatched_juniors=unmatched(
            juniors, "junior", used_j, answer.junior_has_eligible, answer.junior_has_chain_only
        ),
        unmatched_seniors=unmatched(
            seniors, "senior", used_s, answer.senior_has_eligible, answer.senior_has_chain_only
        ),
        total_score=sum(p.score for p in proposals),
    )
