"""Exact solvers for the pairing engine (no Django).

The objective is lexicographic: the most pairs, then the highest total score. As an assignment
problem each eligible pair weighs M + score, where M is larger than any score a single extra pair
could cost (an augmenting path swaps at most min(rows, cols) - 1 pairs, each losing at most the
score spread), so one more pair always wins; forbidden pairs and padding weigh 0 and are dropped.
Scores are small integers, so float32 is exact while 4 (M + spread) < 2**24 (else float64).

Big matrices (SPARSE_MIN_CELLS and up) are solved on each slot's best candidates and proven
optimal on the whole matrix with dual prices (sparse.py); smaller ones as follows.
lapjv solves square matrices (the fastest here); its dual prices then prove the answer optimal
(`_proven`). Rectangles go to scipy, since padding them to a square slows lapjv down sharply.

Capacity repeats a person's row or column once per free slot. If the same two people take two
slots with each other (both take several partners), that pair is allowed in one designated slot
of one of them and the problem is solved again (`_designate`: still exact); the successive
shortest path solver in flow.py is the last resort.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from lapjv import lapjv
from scipy.optimize import linear_sum_assignment

from pairing.engine.explain import check_weights, explain
from pairing.engine.flow import min_cost_flow_cohort
from pairing.engine.score import ScoredCohort, build_cohort, score_block, score_bound
from pairing.engine.sparse import solve_sparse
from pairing.engine.types import (
    CAPACITY_EXHAUSTED,
    DEFAULT_WEIGHTS,
    NO_ELIGIBLE_PARTNER,
    NO_RULES,
    ONLY_REPORTING_LINE,
    PairingResult,
    Person,
    Rules,
    Unmatched,
    Weights,
)

Progress = Callable[[float, str], None]

FLOAT32_EXACT = 2**24  # integers up to here are exact in float32 (and in lapjv's arithmetic)
BLOCK_CELLS = 4_000_000  # person-level cells scored at once (16 MB of float32)
# Measured: lapjv beats scipy on square matrices (10k: 12.8 s vs 19.4 s) but padding a rectangle
# to a square costs it dearly (3000 x 2850: 1.1 s vs 0.7 s; 3971 x 3011: 6.1 s vs 0.4 s).
PADDING_SHARE = 0.02
# From this many slot cells up, solve on each slot's best candidates and prove the answer with
# dual prices on the whole matrix (sparse.py). Measured on bench cohorts (loaded
# machine, solve() CPU seconds, dense -> candidates): 3k x 3k 0.77 -> 1.10 (dense wins),
# 5k x 5k 2.6 -> 2.4, 7k x 7k 4.3 -> 3.9, 10k x 10k 11.6 -> 9.0. Same totals every time.
SPARSE_MIN_CELLS = 16_000_000
CLOSED_SHARE = 0.01  # people with no seat left (locked) stay as empty rows up to this share


@dataclass
class Answer:
    pairs: list[tuple[int, int]]  # (junior row, senior column), person level
    junior_has_eligible: np.ndarray  # bool per junior: any eligible senior at all
    junior_has_chain_only: np.ndarray  # bool per junior: eligible seniors were it not for a line
    senior_has_eligible: np.ndarray
    senior_has_chain_only: np.ndarray
    method: str


def _noop(fraction: float, stage: str) -> None:
    return None


def solve_dense(
    cohort: ScoredCohort,
    weights: Weights,
    rules: Rules,
    capacity_j: np.ndarray,
    capacity_s: np.ndarray,
    progress: Progress | None = None,
    method: str = "auto",
) -> Answer:
    """The optimal pairs for the remaining capacities (locked pairs already taken out)."""
    progress = progress or _noop
    n_j, n_s = len(cohort.juniors.ids), len(cohort.seniors.ids)
    # When nobody on a side takes two partners, each person is one slot; people with no
    # capacity left (locked) keep their row or column, with no eligible entry, so the matrix
    # fills without gathering columns.
    plain_rows = not len(capacity_j) or (
        capacity_j.max() <= 1 and (capacity_j == 0).mean() <= CLOSED_SHARE
    )
    plain_cols = not len(capacity_s) or (
        capacity_s.max() <= 1 and (capacity_s == 0).mean() <= CLOSED_SHARE
    )
    slots_j = np.ones_like(capacity_j) if plain_rows else capacity_j
    slots_s = np.ones_like(capacity_s) if plain_cols else capacity_s
    closed_j = np.flatnonzero(capacity_j == 0) if plain_rows else np.zeros(0, dtype=np.int64)
    closed_s = np.flatnonzero(capacity_s == 0) if plain_cols else np.zeros(0, dtype=np.int64)
    row_person = np.repeat(np.arange(n_j), slots_j)
    col_person = np.repeat(np.arange(n_s), slots_s)
    slot_start = np.concatenate(([0], np.cumsum(slots_j))).astype(np.int64)
    rows, cols = len(row_person), len(col_person)
    if len(closed_j) == n_j or len(closed_s) == n_s:
        rows = cols = 0
    spread = score_bound(cohort, weights)
    big_m = (min(rows, cols) - 1) * spread + 1 if min(rows, cols) else 1

    if method == "auto":
        if min(rows, cols) == 0:
            method = "none"
        elif rows * cols >= SPARSE_MIN_CELLS:
            method = "sparse"
        elif max(rows, cols) - min(rows, cols) > PADDING_SHARE * max(rows, cols):
            method = "scipy"  # lapjv slows down sharply on the padding a rectangle needs
        else:
            method = "lapjv"
    exact32 = 4 * (big_m + spread) < FLOAT32_EXACT
    if method == "lapjv":
        size = max(rows, cols)
        cost = np.zeros((size, size), dtype=np.float32 if exact32 else np.float64)
    elif method == "scipy":
        cost = np.zeros((rows, cols), dtype=np.float64)
    elif method == "sparse":
        cost = np.zeros((rows, cols), dtype=np.float32 if exact32 else np.float64)
    else:
        cost = np.zeros((0, 0), dtype=np.float32)

    junior_any = np.zeros(n_j, dtype=bool)
    junior_chain = np.zeros(n_j, dtype=bool)
    senior_any = np.zeros(n_s, dtype=bool)
    senior_chain = np.zeros(n_s, dtype=bool)

    def fill(r0: int, r1: int) -> tuple[int, int, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Score juniors r0..r1 and write their rows of the cost matrix (disjoint per block)."""
        block = score_block(cohort, weights, rules, r0, r1)
        stats = (
            block.eligible.any(axis=1),
            block.eligible_but_chain.any(axis=1),
            block.eligible.any(axis=0),
            block.eligible_but_chain.any(axis=0),
        )
        s0, s1 = int(slot_start[r0]), int(slot_start[r1])
        if method != "none" and s1 > s0:
            block.eligible[:, closed_s] = False
            lo, hi = np.searchsorted(closed_j, (r0, r1))
            block.eligible[closed_j[lo:hi] - r0] = False
            if plain_rows and plain_cols:  # write straight into the matrix: no temporaries
                target = cost[s0:s1, :cols]
                np.subtract(-big_m, block.score, out=target, casting="unsafe")
                np.multiply(target, block.eligible, out=target)  # -0.0 where not eligible
            else:
                person_cost = block.score.astype(cost.dtype, copy=False)
                person_cost += cost.dtype.type(big_m)
                np.negative(person_cost, out=person_cost)
                person_cost[~block.eligible] = 0
                if not plain_rows:
                    person_cost = person_cost[row_person[s0:s1] - r0]
                if plain_cols:
                    cost[s0:s1, :cols] = person_cost
                else:
                    np.take(person_cost, col_person, axis=1, out=cost[s0:s1, :cols])
        return (r0, r1, *stats)

    step = max(16, BLOCK_CELLS // max(n_s, 1))
    spans = [(r0, min(n_j, r0 + step)) for r0 in range(0, n_j, step)]
    # numpy lets go of the GIL on big arrays: two threads score two blocks at once.
    with ThreadPoolExecutor(max_workers=2 if len(spans) > 2 else 1) as pool:
        for r0, r1, rows_any, rows_chain, cols_any, cols_chain in pool.map(
            lambda span: fill(*span), spans
        ):
            junior_any[r0:r1] = rows_any
            junior_chain[r0:r1] = rows_chain
            senior_any |= cols_any
            senior_chain |= cols_chain
            progress(0.5 * r1 / max(n_j, 1), "scoring")

    progress(0.5, "solving")
    pairs: list[tuple[int, int]] = []
    col_start = np.concatenate(([0], np.cumsum(slots_s))).astype(np.int64)
    next_j: dict[int, int] = {}
    next_s: dict[int, int] = {}
    for attempt in range(MAX_DESIGNATIONS + 1) if method != "none" else ():
        if method == "lapjv":
            assigned, _, (_, u, v) = lapjv(cost, force_doubles=cost.dtype == np.float64)
            if not _proven(cost, assigned, u, v):  # pragma: no cover - a safety net
                method = "scipy"
                cost = cost[:rows, :cols].astype(np.float64)
                continue
            slot_rows = np.arange(rows)
            slot_cols = assigned[:rows].astype(np.int64)
            keep = slot_cols < cols
            slot_rows, slot_cols = slot_rows[keep], slot_cols[keep]
        elif method == "sparse":
            sigma = solve_sparse(cost)
            if sigma is None:  # pragma: no cover - the proof did not come: solve densely
                method = "scipy"
                continue
            slot_rows = np.flatnonzero(sigma < cols)
            slot_cols = sigma[slot_rows]
        else:
            slot_rows, slot_cols = linear_sum_assignment(cost)
        taken = cost[slot_rows, slot_cols] < 0
        p_rows = row_person[slot_rows[taken]]
        p_cols = col_person[slot_cols[taken]]
        codes = p_rows.astype(np.int64) * max(n_s, 1) + p_cols
        unique, counts = np.unique(codes, return_counts=True)
        if len(unique) == len(codes):
            pairs = sorted(zip(p_rows.tolist(), p_cols.tolist(), strict=True))
            break
        # The same two people took two slots with each other. Any answer can seat a pair in any
        # slot of a person, so allow this pair in one designated slot of one of them only: still
        # a relaxation holding every valid answer, now without this duplicate. Solve again.
        if attempt == MAX_DESIGNATIONS or not _designate(
            cost, unique[counts > 1], n_s, slot_start, col_start, slots_j, slots_s, next_j, next_s
        ):
            del cost
            progress(0.6, "solving with capacities")
            pairs = min_cost_flow_cohort(cohort, weights, rules, capacity_j, capacity_s)
            method = "flow"
            break
        progress(0.5 + 0.05 * (attempt + 1), "solving with capacities")
    progress(1.0, "solved")
    return Answer(pairs, junior_any, junior_chain, senior_any, senior_chain, method)


MAX_DESIGNATIONS = 20  # re-solves for people paired twice, before the flow solver takes over


def _designate(
    cost: np.ndarray,
    duplicated: np.ndarray,
    n_s: int,
    row_start: np.ndarray,
    col_start: np.ndarray,
    slots_j: np.ndarray,
    slots_s: np.ndarray,
    next_j: dict[int, int],
    next_s: dict[int, int],
) -> bool:
    """Seat each duplicated pair in one designated slot of one of its two people (the senior's
    when they have one to give, else the junior's); False when neither has.

    Any valid answer still fits: each person puts the partners designated to them in their own
    designated slots (distinct ones) and everyone else in the remaining slots."""
    for code in duplicated.tolist():
        j, s = divmod(code, n_s)
        r0, r1 = int(row_start[j]), int(row_start[j] + slots_j[j])
        c0, c1 = int(col_start[s]), int(col_start[s] + slots_s[s])
        b = next_s.get(s, 0)
        if b < slots_s[s]:
            next_s[s] = b + 1
            kept = cost[r0:r1, c0 + b].copy()
            cost[r0:r1, c0:c1] = 0
            cost[r0:r1, c0 + b] = kept
            continue
        a = next_j.get(j, 0)
        if a >= slots_j[j]:
            return False
        next_j[j] = a + 1
        kept = cost[r0 + a, c0:c1].copy()
        cost[r0:r1, c0:c1] = 0
        cost[r0 + a, c0:c1] = kept
    return True


def _proven(cost: np.ndarray, assigned: np.ndarray, u: np.ndarray, v: np.ndarray) -> bool:
    """lapjv's dual prices certify its answer: u_i + v_j <= c_ij everywhere and the answer's cost
    equals sum(u) + sum(v) (weak duality), checked exactly (all values are small integers)."""
    u = u.astype(cost.dtype)
    v = v.astype(cost.dtype)
    primal = float(cost[np.arange(len(assigned)), assigned].sum(dtype=np.float64))
    if primal != float(u.sum(dtype=np.float64) + v.sum(dtype=np.float64)):
        return False
    step = max(16, BLOCK_CELLS // max(len(v), 1))
    for r0 in range(0, len(cost), step):
        reduced = cost[r0 : r0 + step] - u[r0 : r0 + step, None]
        reduced -= v
        if reduced.min() < 0:
            return False
    return True


def solve(
    juniors: Sequence[Person],
    seniors: Sequence[Person],
    *,
    weights: Weights = DEFAULT_WEIGHTS,
    rules: Rules = NO_RULES,
    progress: Callable[[float, str], None] | None = None,
) -> PairingResult:
    """Exact: the most pairs capacities allow, then the highest total score.

    Locked pairs are kept (even if ineligible: HR's explicit choice) and use up capacity; the
    rest is optimal around them. Locks naming someone not in the cohort are ignored. Deterministic.
    """
    check_weights(weights, rules)
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

    proposals = [explain(juniors[r], seniors[c], weights, locked=True) for r, c in locked_pairs]
    proposals += [explain(juniors[r], seniors[c], weights) for r, c in answer.pairs]
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
