"""The engine's inputs and outputs: frozen dataclasses, no behaviour (no Django)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

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
    # (junior id, senior id) that were paired before and ended, here or in an earlier cohort
    # (the services match earlier cohorts by keyed hash): never proposed again
    never_again: frozenset[tuple[int, int]] = frozenset()
    # (junior id, senior id) active pairs of a top-up run: they use capacity and count as
    # covered, but are not proposals (they exist already)
    fixed: tuple[tuple[int, int], ...] = ()
    # (junior id, senior id) -> points added to that pair's score (the shortlist's "I'd like"
    # marks times the cohort's preference weight); never makes an ineligible pair eligible
    bonus: Mapping[tuple[int, int], int] = field(default_factory=dict)


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
    # ("location", ..), ("preference", ..): points per criterion, summing exactly to score
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
    proposals: tuple[Proposal, ...]  # locked included, fixed not; score desc, then ids
    unmatched_juniors: tuple[Unmatched, ...]
    unmatched_seniors: tuple[Unmatched, ...]
    total_score: int  # sum of proposal scores (locked included)
    people_covered: int = 0  # people with at least one partner (fixed pairs included)


DEFAULT_WEIGHTS = Weights()
NO_RULES = Rules()
