"""Exact solvers for the pairing engine (no Django).

The objective is lexicographic: the most pairs, then the highest total score. As an assignment
problem each eligible pair weighs M + score, where M is larger than any score a single extra pair
could cost (an augmenting path swaps at most min(rows, cols) - 1 pairs, each losing at most the
score spread), so one more pair always wins; forbidden pairs and padding weigh 0 and are dropped.

Capacity repeats a person's row or column once per free slot. That is exact unless the same two
people get two slots with each other (possible only when both take several partners); then the
slot answer is an upper bound that is not feasible, and `min_cost_flow` (successive shortest
paths with Dijkstra on the person-level graph, every edge capacity 1) gives the exact answer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from lapjv import lapjv
from scipy.optimize import linear_sum_assignment

from pairing._flow import min_cost_flow_cohort
from pairing._score import Cohort, score_block, score_bound

if TYPE_CHECKING:  # pragma: no cover
    from pairing.engine import Rules, Weights

Progress = Callable[[float, str], None]

FLOAT32_EXACT = 2**24  # integers up to here are exact in float32 (and in lapjv's arithmetic)
BLOCK_CELLS = 4_000_000  # person-level cells scored at once (16 MB of float32)


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


def solve_dense(cohort: Cohort, weights: Weights, rules: Rules, capacity_j: np.ndarray,
                capacity_s: np.ndarray, progress: Progress | None = None,
                method: str = "auto") -> Answer:
    """The optimal pairs for the remaining capacities (locked pairs already taken out)."""
    progress = progress or _noop
    n_j, n_s = len(cohort.juniors.ids), len(cohort.seniors.ids)
    # When nobody on a side takes two partners, each person is one slot; people with no
    # capacity left (locked) keep their row or column, with no eligible entry, so the matrix
    # fills without gathering columns.
    plain_rows = not len(capacity_j) or capacity_j.max() <= 1
    plain_cols = not len(capacity_s) or capacity_s.max() <= 1
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
        elif 2 * min(rows, cols) < max(rows, cols):
            method = "scipy"  # thin problem: no square padding
        else:
            method = "lapjv"
    exact32 = 4 * (big_m + spread) < FLOAT32_EXACT
    if method == "lapjv":
        size = max(rows, cols)
        cost = np.zeros((size, size), dtype=np.float32 if exact32 else np.float64)
    elif method == "scipy":
        cost = np.zeros((rows, cols), dtype=np.float64)
    else:
        cost = np.zeros((0, 0), dtype=np.float32)

    junior_any = np.zeros(n_j, dtype=bool)
    junior_chain = np.zeros(n_j, dtype=bool)
    senior_any = np.zeros(n_s, dtype=bool)
    senior_chain = np.zeros(n_s, dtype=bool)
    step = max(16, BLOCK_CELLS // max(n_s, 1))
    for r0 in range(0, n_j, step):
        r1 = min(n_j, r0 + step)
        block = score_block(cohort, weights, rules, r0, r1)
        junior_any[r0:r1] = block.eligible.any(axis=1)
        junior_chain[r0:r1] = block.eligible_but_chain.any(axis=1)
        senior_any |= block.eligible.any(axis=0)
        senior_chain |= block.eligible_but_chain.any(axis=0)
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
        del block
        progress(0.5 * r1 / max(n_j, 1), "scoring")

    progress(0.5, "solving")
    pairs: list[tuple[int, int]] = []
    if method == "lapjv":
        assigned = lapjv(cost, force_doubles=cost.dtype == np.float64)[0]
        slot_rows = np.arange(rows)
        slot_cols = assigned[:rows].astype(np.int64)
        keep = slot_cols < cols
        slot_rows, slot_cols = slot_rows[keep], slot_cols[keep]
    elif method == "scipy":
        slot_rows, slot_cols = linear_sum_assignment(cost)
    else:
        slot_rows = slot_cols = np.zeros(0, dtype=np.int64)
    if len(slot_rows):
        taken = cost[slot_rows, slot_cols] < 0
        p_rows = row_person[slot_rows[taken]]
        p_cols = col_person[slot_cols[taken]]
        codes = p_rows.astype(np.int64) * max(n_s, 1) + p_cols
        if len(np.unique(codes)) < len(codes):
            # The same two people took two slots with each other: solve exactly as a flow.
            del cost
            progress(0.6, "solving with capacities")
            pairs = min_cost_flow_cohort(cohort, weights, rules, capacity_j, capacity_s)
            method = "flow"
        else:
            pairs = sorted(zip(p_rows.tolist(), p_cols.tolist(), strict=True))
    progress(1.0, "solved")
    return Answer(pairs, junior_any, junior_chain, senior_any, senior_chain, method)



