"""Vectorised scoring and eligibility for the pairing engine (no Django, no loop over pairs).

Everything here works on index arrays built once per solve: people are rows of small matrices
(people x skills), and a block of juniors is scored against every senior with two matrix
products in float32 (exact: the sums are small integers).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from pairing.engine import Person, Rules, Weights


@dataclass
class Side:
    """One side of the cohort as arrays, in the order of `people` (sorted by id)."""

    people: Sequence[Person]
    ids: np.ndarray  # int64
    teach: np.ndarray  # float32, people x skills
    learn: np.ndarray  # float32, people x skills
    department: np.ndarray  # int32 code, -1 = not set
    location: np.ndarray  # int32 code, -1 = not set
    grade: np.ndarray  # float64, nan = not set
    utc_offset: np.ndarray  # float64, nan = not set


@dataclass
class Cohort:
    juniors: Side
    seniors: Side
    # (junior row, senior column) pairs that may never be proposed, sorted by row:
    forbidden_rows: np.ndarray
    forbidden_cols: np.ndarray
    # the subset that is forbidden only because of a reporting line (for unmatched reasons)
    chain_rows: np.ndarray
    chain_cols: np.ndarray


def _codes(values: Iterable[str], table: dict[str, int]) -> np.ndarray:
    out = []
    for value in values:
        key = (value or "").strip().casefold()
        out.append(table.setdefault(key, len(table)) if key else -1)
    return np.asarray(out, dtype=np.int32)


def _side(people: Sequence[Person], skills: dict[int, int], departments: dict[str, int],
          locations: dict[str, int]) -> Side:
    n, k = len(people), max(len(skills), 1)
    teach = np.zeros((n, k), dtype=np.float32)
    learn = np.zeros((n, k), dtype=np.float32)
    for row, person in enumerate(people):
        for skill, level in person.teach.items():
            teach[row, skills[skill]] = level
        for skill, priority in person.learn.items():
            learn[row, skills[skill]] = priority
    return Side(
        people=people,
        ids=np.asarray([p.id for p in people], dtype=np.int64),
        teach=teach,
        learn=learn,
        department=_codes((p.department for p in people), departments),
        location=_codes((p.location for p in people), locations),
        grade=np.asarray([np.nan if p.grade is None else p.grade for p in people], dtype=np.float64),
        utc_offset=np.asarray([np.nan if p.utc_offset_hours is None else p.utc_offset_hours
                               for p in people], dtype=np.float64),
    )


def _sorted_pairs(pairs: set[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
    if not pairs:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    arr = np.asarray(sorted(pairs), dtype=np.int64)
    return arr[:, 0].copy(), arr[:, 1].copy()


def build_cohort(juniors: Sequence[Person], seniors: Sequence[Person], rules: Rules,
                 also_forbidden: Iterable[tuple[int, int]] = ()) -> Cohort:
    """Arrays for both sides plus the sparse list of pairs that are never proposed.

    `also_forbidden` holds (junior row, senior column) pairs to leave out too (locked pairs:
    a pair is never proposed twice)."""
    skills: dict[int, int] = {}
    for person in (*juniors, *seniors):
        for skill in sorted((*person.teach.keys(), *person.learn.keys())):
            skills.setdefault(skill, len(skills))
    departments: dict[str, int] = {}
    locations: dict[str, int] = {}
    junior_side = _side(juniors, skills, departments, locations)
    senior_side = _side(seniors, skills, departments, locations)

    junior_row = {p.id: i for i, p in enumerate(juniors)}
    senior_col = {p.id: i for i, p in enumerate(seniors)}
    juniors_by_user: dict[int, list[int]] = {}
    seniors_by_user: dict[int, list[int]] = {}
    for i, p in enumerate(juniors):
        juniors_by_user.setdefault(p.user_id, []).append(i)
    for i, p in enumerate(seniors):
        seniors_by_user.setdefault(p.user_id, []).append(i)

    # Reporting lines (either direction) and the same person on both sides: one walk over each
    # person's chain, never over pairs.
    chain: set[tuple[int, int]] = set()
    other: set[tuple[int, int]] = set(also_forbidden)
    for i, p in enumerate(juniors):
        for user in p.manager_chain:
            for col in seniors_by_user.get(user, ()):
                chain.add((i, col))
        for col in seniors_by_user.get(p.user_id, ()):
            other.add((i, col))
    for col, p in enumerate(seniors):
        for user in p.manager_chain:
            for i in juniors_by_user.get(user, ()):
                chain.add((i, col))
    for junior_id, senior_id in rules.excluded:
        if junior_id in junior_row and senior_id in senior_col:
            other.add((junior_row[junior_id], senior_col[senior_id]))
    forbidden_rows, forbidden_cols = _sorted_pairs(chain | other)
    chain_rows, chain_cols = _sorted_pairs(chain - other)
    return Cohort(junior_side, senior_side, forbidden_rows, forbidden_cols, chain_rows, chain_cols)


def score_bound(cohort: Cohort, weights: Weights) -> int:
    """An upper bound on any pair's score (cheap: no pair matrix)."""
    j, s = cohort.juniors, cohort.seniors
    if not len(j.ids) or not len(s.ids):
        return 0
    reverse = float((j.teach @ s.learn.max(axis=0)).max())
    forward = float((s.teach @ j.learn.max(axis=0)).max())
    return int(weights.reverse * reverse + weights.forward * forward + weights.forward_bonus
               + weights.department + weights.location)


@dataclass
class Block:
    """Scores of juniors r0..r1 against every senior."""

    score: np.ndarray  # float32, rows x seniors
    eligible: np.ndarray  # bool
    eligible_but_chain: np.ndarray  # bool: eligible were it not for a reporting line


def _pairs_in(rows: np.ndarray, cols: np.ndarray, r0: int, r1: int) -> tuple[np.ndarray, np.ndarray]:
    lo, hi = np.searchsorted(rows, [r0, r1])
    return rows[lo:hi] - r0, cols[lo:hi]


def score_block(cohort: Cohort, weights: Weights, rules: Rules, r0: int, r1: int) -> Block:
    j, s = cohort.juniors, cohort.seniors
    reverse = j.teach[r0:r1] @ s.learn.T
    forward = j.learn[r0:r1] @ s.teach.T
    score = reverse * np.float32(weights.reverse)
    if weights.forward:
        score += forward * np.float32(weights.forward)
    if weights.forward_bonus:
        score += (forward > 0) * np.float32(weights.forward_bonus)
    eligible = reverse > 0
    del reverse, forward
    jd, sd = j.department[r0:r1, None], s.department[None, :]
    same_department = (jd == sd) & (jd >= 0)
    if weights.department:
        score += ((jd != sd) & (jd >= 0) & (sd >= 0)) * np.float32(weights.department)
    if weights.location:
        jl, sl = j.location[r0:r1, None], s.location[None, :]
        score += ((jl != sl) & (jl >= 0) & (sl >= 0)) * np.float32(weights.location)

    if rules.must_differ_department:
        eligible &= ~same_department
    if rules.min_grade_gap is not None:
        gap = s.grade[None, :] - j.grade[r0:r1, None]
        with np.errstate(invalid="ignore"):
            eligible &= ~(gap < rules.min_grade_gap)  # nan (a grade not set) passes
    if rules.max_timezone_diff_hours is not None:
        eligible &= ~(timezone_gap(j.utc_offset[r0:r1, None], s.utc_offset[None, :])
                      > rules.max_timezone_diff_hours)
    rows, cols = _pairs_in(cohort.forbidden_rows, cohort.forbidden_cols, r0, r1)
    chain_rows, chain_cols = _pairs_in(cohort.chain_rows, cohort.chain_cols, r0, r1)
    but_chain = np.zeros_like(eligible)
    but_chain[chain_rows, chain_cols] = eligible[chain_rows, chain_cols]
    eligible[rows, cols] = False
    return Block(score, eligible, but_chain)


def timezone_gap(a: np.ndarray | float, b: np.ndarray | float) -> np.ndarray:
    """Hours between two UTC offsets around the clock (UTC+12 and UTC-11 are 1 h apart);
    nan when either is unknown (then the rule passes)."""
    with np.errstate(invalid="ignore"):
        diff = np.abs(np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64)) % 24.0
        return np.minimum(diff, 24.0 - diff)
