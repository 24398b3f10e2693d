"""Vectorised scoring and eligibility for the pairing engine (no Django, no loop over pairs).

Everything here works on index arrays built once per solve: people are rows of small matrices
(people x skills), and a block of juniors is scored against every senior with two matrix
products in float32 (exact: the sums are small integers).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from pairing.engine.types import Person, Rules, Weights


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
    teach_by_skill: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)
    learn_by_skill: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)

    def __post_init__(self) -> None:
        # Per skill: the people (sorted rows) who name it and their levels, for skill_product.
        for matrix, lists in ((self.teach, self.teach_by_skill), (self.learn, self.learn_by_skill)):
            by_skill = np.ascontiguousarray(matrix.T)
            for row in by_skill:
                who = np.flatnonzero(row)
                lists.append((who, row[who]))


@dataclass
class ScoredCohort:
    """A cohort as arrays for scoring (not the Django model of the same idea)."""

    juniors: Side
    seniors: Side
    # (junior row, senior column) pairs that may never be proposed, sorted by row:
    forbidden_rows: np.ndarray
    forbidden_cols: np.ndarray
    # the subset that is forbidden only because of a reporting line (for unmatched reasons)
    chain_rows: np.ndarray
    chain_cols: np.ndarray
    # shortlist bonuses as (junior row, senior column, points), sorted by row
    bonus_rows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    bonus_cols: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    bonus_points: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))
    # filled by prepare_extras():
    extras_needed: bool = True
    extras_table: np.ndarray | None = None
    junior_profile: np.ndarray | None = None
    # the same cohort as flat arrays for the compiled loops (pack.pack keeps it here)
    packed: object | None = None


def _codes(values: Iterable[str], table: dict[str, int]) -> np.ndarray:
    """A code per value, equal for values equal ignoring case and spaces; -1 when not set.
    `table` maps raw and normalised values to codes (raw ones save re-normalising)."""
    out = []
    for value in values:
        code = table.get(value)
        if code is None:
            key = (value or "").strip().casefold()
            code = table.setdefault(key, len(table)) if key else -1
            table[value] = code
        out.append(code)
    return np.asarray(out, dtype=np.int32)


def _side(
    people: Sequence[Person],
    skills: dict[int, int],
    departments: dict[str, int],
    locations: dict[str, int],
) -> Side:
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
        grade=np.asarray(
            [np.nan if p.grade is None else p.grade for p in people], dtype=np.float64
        ),
        utc_offset=np.asarray(
            [np.nan if p.utc_offset_hours is None else p.utc_offset_hours for p in people],
            dtype=np.float64,
        ),
    )


def _sorted_pairs(pairs: set[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
    if not pairs:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    arr = np.asarray(sorted(pairs), dtype=np.int64)
    return arr[:, 0].copy(), arr[:, 1].copy()


def build_cohort(
    juniors: Sequence[Person],
    seniors: Sequence[Person],
    weights: Weights,
    rules: Rules,
    also_forbidden: Iterable[tuple[int, int]] = (),
) -> ScoredCohort:
    """Arrays for both sides plus the sparse list of pairs that are never proposed.

    `also_forbidden` holds (junior row, senior column) pairs to leave out too (locked pairs:
    a pair is never proposed twice)."""
    named: set[int] = set()
    for person in (*juniors, *seniors):
        named.update(person.teach, person.learn)
    skills = {skill: k for k, skill in enumerate(sorted(named))}
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
    senior_users, junior_users = seniors_by_user.keys(), juniors_by_user.keys()
    for i, p in enumerate(juniors):
        for user in p.manager_chain & senior_users:
            for col in seniors_by_user[user]:
                chain.add((i, col))
        for col in seniors_by_user.get(p.user_id, ()):
            other.add((i, col))
    for col, p in enumerate(seniors):
        for user in p.manager_chain & junior_users:
            for i in juniors_by_user[user]:
                chain.add((i, col))
    for junior_id, senior_id in rules.excluded | rules.never_again:
        if junior_id in junior_row and senior_id in senior_col:
            other.add((junior_row[junior_id], senior_col[senior_id]))
    forbidden_rows, forbidden_cols = _sorted_pairs(chain | other)
    chain_rows, chain_cols = _sorted_pairs(chain - other)
    cohort = ScoredCohort(
        junior_side, senior_side, forbidden_rows, forbidden_cols, chain_rows, chain_cols
    )
    bonus = sorted(
        (junior_row[j], senior_col[s], points)
        for (j, s), points in rules.bonus.items()
        if points and j in junior_row and s in senior_col
    )
    if bonus:
        cohort.bonus_rows = np.asarray([b[0] for b in bonus], dtype=np.int64)
        cohort.bonus_cols = np.asarray([b[1] for b in bonus], dtype=np.int64)
        cohort.bonus_points = np.asarray([b[2] for b in bonus], dtype=np.float32)
    prepare_extras(cohort, weights, rules)
    return cohort


def score_bound(cohort: ScoredCohort, weights: Weights) -> int:
    """An upper bound on any pair's score (cheap: no pair matrix)."""
    j, s = cohort.juniors, cohort.seniors
    if not len(j.ids) or not len(s.ids):
        return 0
    reverse = float((j.teach @ s.learn.max(axis=0)).max())
    forward = float((s.teach @ j.learn.max(axis=0)).max())
    return int(
        weights.reverse * reverse
        + weights.forward * forward
        + weights.forward_bonus
        + weights.department
        + weights.location
        + (float(cohort.bonus_points.max()) if len(cohort.bonus_points) else 0.0)
    )


@dataclass
class Block:
    """Scores of juniors r0..r1 against every senior."""

    score: np.ndarray  # float32, rows x seniors
    eligible: np.ndarray  # bool
    eligible_but_chain: np.ndarray  # bool: eligible were it not for a reporting line


def _pairs_in(
    rows: np.ndarray, cols: np.ndarray, r0: int, r1: int
) -> tuple[np.ndarray, np.ndarray]:
    lo, hi = np.searchsorted(rows, [r0, r1])
    return rows[lo:hi] - r0, cols[lo:hi]


def _extras(jd, jl, jg, jt, sd, sl, sg, st, weights: Weights, rules: Rules) -> np.ndarray:
    """Department and location points, or -1 where an optional rule forbids the pair.

    Arguments are columns (juniors) and rows (seniors) that broadcast against each other."""
    shape = np.broadcast_shapes(np.shape(jd), np.shape(sd))
    extra = np.zeros(shape, dtype=np.float32)
    if weights.department:
        extra += ((jd != sd) & (jd >= 0) & (sd >= 0)) * np.float32(weights.department)
    if weights.location:
        extra += ((jl != sl) & (jl >= 0) & (sl >= 0)) * np.float32(weights.location)
    ok = np.ones(shape, dtype=bool)
    if rules.must_differ_department:
        ok &= ~((jd == sd) & (jd >= 0))
    with np.errstate(invalid="ignore"):
        if rules.min_grade_gap is not None:
            ok &= ~(sg - jg < rules.min_grade_gap)  # nan (a grade not set) passes
        if rules.max_timezone_diff_hours is not None:
            ok &= ~(timezone_gap(jt, st) > rules.max_timezone_diff_hours)
    extra[~ok] = -1
    return extra


def _profiles(side: Side) -> tuple[np.ndarray, np.ndarray]:
    """(code per person, unique profiles as rows of department, location, grade, offset)."""
    columns = np.column_stack([side.department, side.location, side.grade, side.utc_offset])
    if not len(columns):
        return np.zeros(0, dtype=np.intp), columns
    # One integer key per person from each column's own codes: a 1-d unique is many times
    # faster than np.unique(axis=0) on rows.
    key = np.zeros(len(columns), dtype=np.int64)
    for column in columns.T:
        column = np.where(np.isnan(column), np.inf, column)  # not set: a value of its own
        values, codes = np.unique(column, return_inverse=True)
        # renumbered each time, so the key stays below the number of people (no overflow)
        key = np.unique(key * len(values) + codes.reshape(-1), return_inverse=True)[1]
        key = key.reshape(-1).astype(np.int64)
    _, first, codes = np.unique(key, return_index=True, return_inverse=True)
    return codes.reshape(-1).astype(np.intp), columns[first]


def prepare_extras(cohort: ScoredCohort, weights: Weights, rules: Rules) -> None:
    """People with the same department, location, grade and offset score alike on those: work
    the extras out once per pair of profiles (a small table) rather than per pair of people."""
    cohort.extras_needed = bool(
        weights.department
        or weights.location
        or rules.must_differ_department
        or rules.min_grade_gap is not None
        or rules.max_timezone_diff_hours is not None
    )
    cohort.extras_table = None
    if not cohort.extras_needed:
        return
    j_codes, j_profiles = _profiles(cohort.juniors)
    s_codes, s_profiles = _profiles(cohort.seniors)
    if len(j_profiles) * len(s_profiles) > EXTRAS_TABLE_CELLS:
        return
    jp, sp = j_profiles[:, :, None], s_profiles.T[:, None, :]
    table = _extras(
        jp[:, 0], jp[:, 1], jp[:, 2], jp[:, 3], sp[0], sp[1], sp[2], sp[3], weights, rules
    )
    # One row per junior profile against every senior: a block is then a gather of whole rows.
    if len(j_profiles) * len(s_codes) > EXTRAS_TABLE_CELLS * 16:
        return
    cohort.extras_table = np.ascontiguousarray(table[:, s_codes])
    cohort.junior_profile = j_codes


EXTRAS_TABLE_CELLS = 1_000_000


def score_block(cohort: ScoredCohort, weights: Weights, rules: Rules, r0: int, r1: int) -> Block:
    """Scores and eligibility of juniors r0..r1 against every senior, in float32 (exact: small
    integers). `weights` and `rules` must be those the cohort was built with."""
    j, s = cohort.juniors, cohort.seniors
    score = skill_product(j.teach, j.teach_by_skill, s.learn, s.learn_by_skill, r0, r1)
    eligible = score > 0  # some skill flows from the junior to the senior
    score *= np.float32(weights.reverse)
    if weights.forward or weights.forward_bonus:
        forward = skill_product(j.learn, j.learn_by_skill, s.teach, s.teach_by_skill, r0, r1)
        if weights.forward_bonus:
            np.add(score, np.float32(weights.forward_bonus), out=score, where=forward > 0)
        if weights.forward:
            forward *= np.float32(weights.forward)
            score += forward
        del forward
    if cohort.extras_needed:
        if cohort.extras_table is not None:
            assert cohort.junior_profile is not None  # prepare_extras sets both together
            extra = cohort.extras_table[cohort.junior_profile[r0:r1]]
        else:
            extra = _extras(
                j.department[r0:r1, None],
                j.location[r0:r1, None],
                j.grade[r0:r1, None],
                j.utc_offset[r0:r1, None],
                s.department[None, :],
                s.location[None, :],
                s.grade[None, :],
                s.utc_offset[None, :],
                weights,
                rules,
            )
        score += extra
        eligible &= extra >= 0
        del extra
    if len(cohort.bonus_rows):
        lo, hi = np.searchsorted(cohort.bonus_rows, [r0, r1])
        if hi > lo:
            # Each (row, column) appears once, so a fancy-indexed add is exact.
            score[cohort.bonus_rows[lo:hi] - r0, cohort.bonus_cols[lo:hi]] += cohort.bonus_points[
                lo:hi
            ]
    rows, cols = _pairs_in(cohort.forbidden_rows, cohort.forbidden_cols, r0, r1)
    chain_rows, chain_cols = _pairs_in(cohort.chain_rows, cohort.chain_cols, r0, r1)
    but_chain = np.zeros_like(eligible)
    but_chain[chain_rows, chain_cols] = eligible[chain_rows, chain_cols]
    eligible[rows, cols] = False
    return Block(score, eligible, but_chain)


def skill_product(
    rows: np.ndarray, rows_by_skill, cols: np.ndarray, cols_by_skill, r0: int, r1: int
) -> np.ndarray:
    """rows[r0:r1] @ cols.T (people x skills each), exact in float32. Reverse: junior teach
    levels times senior learn priorities; forward: junior priorities times senior levels.

    People name a handful of the skills, so each skill adds a small outer product to the cells
    of the people who name it on each side; that beats BLAS, whose threads spin when the
    machine's cores are busy. Dense skill profiles still go to BLAS."""
    parts = []
    touched = 0
    for (who, levels), (whom, wants) in zip(rows_by_skill, cols_by_skill, strict=True):
        if not len(whom):
            continue
        lo, hi = np.searchsorted(who, (r0, r1))
        if hi > lo:
            parts.append((who[lo:hi] - r0, levels[lo:hi], whom, wants))
            touched += (hi - lo) * len(whom)
    size = (r1 - r0) * cols.shape[0]
    if touched * 4 > size * max(len(parts), 1):
        return rows[r0:r1] @ cols.T
    out = np.zeros((r1 - r0, cols.shape[0]), dtype=np.float32)
    for who, levels, whom, wants in parts:
        out[np.ix_(who, whom)] += np.outer(levels, wants)
    return out


def timezone_gap(a: np.ndarray | float, b: np.ndarray | float) -> np.ndarray:
    """Hours between two UTC offsets around the clock (UTC+12 and UTC-11 are 1 h apart);
    nan when either is unknown (then the rule passes)."""
    with np.errstate(invalid="ignore"):
        diff = np.abs(np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64)) % 24.0
        return np.minimum(diff, 24.0 - diff)
