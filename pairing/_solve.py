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

from pairing._score import Cohort, score_block, score_bound

if TYPE_CHECKING:  # pragma: no cover
    from pairing.engine import Rules, Weights

Progress = Callable[[float, str], None]

FLOAT32_EXACT = 2**24  # integers up to here are exact in float32 (and in lapjv's arithmetic)
BLOCK_CELLS = 4_000_000  # person-level cells scored at once (16 MB of float32)


@dataclass
class DenseAnswer:
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
                method: str = "auto") -> DenseAnswer:
    """The optimal pairs for the remaining capacities (locked pairs already taken out)."""
    progress = progress or _noop
    n_j, n_s = len(cohort.juniors.ids), len(cohort.seniors.ids)
    row_person = np.repeat(np.arange(n_j), capacity_j)
    col_person = np.repeat(np.arange(n_s), capacity_s)
    slot_start = np.concatenate(([0], np.cumsum(capacity_j))).astype(np.int64)
    rows, cols = len(row_person), len(col_person)
    plain_cols = bool(np.all(capacity_s == 1))  # every senior has exactly one slot
    plain_rows = bool(np.all(capacity_j == 1))
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
            person_cost = block.score.astype(cost.dtype, copy=False)
            person_cost += cost.dtype.type(big_m)
            np.negative(person_cost, out=person_cost)
            person_cost[~block.eligible] = 0
            local = row_person[s0:s1] - r0
            if not plain_rows:
                person_cost = person_cost[local]
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
    return DenseAnswer(pairs, junior_any, junior_chain, senior_any, senior_chain, method)


def min_cost_flow_cohort(cohort: Cohort, weights: Weights, rules: Rules, capacity_j: np.ndarray,
                         capacity_s: np.ndarray) -> list[tuple[int, int]]:
    block = score_block(cohort, weights, rules, 0, len(cohort.juniors.ids))
    return min_cost_flow(block.eligible, block.score.astype(np.float64), capacity_j, capacity_s)


def min_cost_flow(eligible: np.ndarray, score: np.ndarray, capacity_j: np.ndarray,
                  capacity_s: np.ndarray) -> list[tuple[int, int]]:
    """Most pairs, then the highest total score, each pair at most once (exact).

    Successive shortest paths: each augmentation adds one pair along the cheapest path with
    cost = spread - score, so after k steps the flow is a best k-pair answer; it stops when no
    augmenting path is left, i.e. at the most pairs. Dijkstra with potentials, dense rows."""
    n_j, n_s = eligible.shape
    if not n_j or not n_s:
        return []
    top = float(score[eligible].max()) if eligible.any() else 0.0
    cost = np.where(eligible, top - score, np.inf)
    paired = np.zeros((n_j, n_s), dtype=bool)
    used_j = np.zeros(n_j, dtype=np.int64)
    used_s = np.zeros(n_s, dtype=np.int64)
    cap_j = np.asarray(capacity_j, dtype=np.int64)
    cap_s = np.asarray(capacity_s, dtype=np.int64)
    pot_j = np.zeros(n_j)
    pot_s = np.zeros(n_s)
    pot_sink = 0.0
    inf = np.inf
    while True:
        dist_j = np.where(used_j < cap_j, -pot_j, inf)
        dist_s = np.full(n_s, inf)
        from_j = np.full(n_s, -1, dtype=np.int64)  # senior reached from this junior
        from_s = np.full(n_j, -1, dtype=np.int64)  # junior reached back from this senior
        done_j = np.zeros(n_j, dtype=bool)
        done_s = np.zeros(n_s, dtype=bool)
        dist_sink, sink_from = inf, -1
        while True:
            open_j = np.where(done_j, inf, dist_j)
            open_s = np.where(done_s, inf, dist_s)
            j = int(np.argmin(open_j))
            s = int(np.argmin(open_s))
            best = min(open_j[j], open_s[s])
            if dist_sink <= best or best == inf:
                break
            if open_j[j] <= open_s[s]:
                done_j[j] = True
                reach = dist_j[j] + cost[j] + pot_j[j] - pot_s
                better = (reach < dist_s) & ~paired[j] & ~done_s
                dist_s[better] = reach[better]
                from_j[better] = j
            else:
                done_s[s] = True
                if used_s[s] < cap_s[s]:
                    reach_sink = dist_s[s] + pot_s[s] - pot_sink
                    if reach_sink < dist_sink:
                        dist_sink, sink_from = reach_sink, s
                back = paired[:, s]
                reach = dist_s[s] - np.where(back, cost[:, s], 0) + pot_s[s] - pot_j
                better = back & (reach < dist_j) & ~done_j
                dist_j[better] = reach[better]
                from_s[better] = s
        if dist_sink == inf:
            break
        s = sink_from
        used_s[s] += 1
        while True:
            j = int(from_j[s])
            paired[j, s] = True
            previous = int(from_s[j])
            if previous < 0:
                used_j[j] += 1
                break
            paired[j, previous] = False
            s = previous
        pot_j += np.minimum(dist_j, dist_sink)
        pot_s += np.minimum(dist_s, dist_sink)
        pot_sink += dist_sink
    rows, cols = np.nonzero(paired)
    return sorted(zip(rows.tolist(), cols.tolist(), strict=True))
