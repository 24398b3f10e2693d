"""The whole-matrix route of solve(), for cohorts small enough to hold every slot pair (no
Django).

The slot matrix (assign.py's weights, one row per free place of a junior, one column per free
place of a senior) is filled block by block and solved by lapjv when square (its dual prices
checked: `_proven`) or by scipy when rectangular. When the answer pairs the same two people
twice, `_Duplicated` sends the cohort to the candidates' route (proof.py) instead.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from lapjv import lapjv
from scipy.optimize import linear_sum_assignment

from pairing.engine import assign
from pairing.engine.proof import Progress, _noop
from pairing.engine.score import ScoredCohort, score_block, score_bound
from pairing.engine.types import Rules, Weights

FLOAT32_EXACT = 2**24  # integers up to here are exact in float32 (and in lapjv's arithmetic)
DENSE_BLOCK_CELLS = 4_000_000  # person cells scored at once when filling the slot matrix
# lapjv is the fastest on square matrices, but padding a rectangle to a square slows it sharply
# (measured: 3971 x 3011 6.1 s, scipy 0.4 s).
PADDING_SHARE = 0.02


class _Duplicated(Exception):
    """The assignment paired two people twice: the flow has to solve it."""


@dataclass
class DenseAnswer:
    pairs: list[tuple[int, int]]
    junior_any: np.ndarray  # bool per junior: some eligible senior at all
    junior_chain: np.ndarray  # bool: eligible seniors, were it not for a reporting line
    senior_any: np.ndarray
    senior_chain: np.ndarray


def solve_dense(
    cohort: ScoredCohort,
    weights: Weights,
    rules: Rules,
    free_j: np.ndarray,
    free_s: np.ndarray,
    covered_j: np.ndarray,
    covered_s: np.ndarray,
    progress: Progress | None = None,
    method: str = "auto",
) -> DenseAnswer:
    """The optimal pairs on the whole slot matrix (assign.py's weights), by lapjv (square)
    or scipy (rectangular). Raises _Duplicated when it pairs two people twice."""
    progress = progress or _noop
    n_j, n_s = len(free_j), len(free_s)
    row_person = np.repeat(np.arange(n_j), free_j)
    col_person = np.repeat(np.arange(n_s), free_s)
    slot_start = np.concatenate(([0], np.cumsum(free_j))).astype(np.int64)
    rows, cols = len(row_person), len(col_person)
    levels = assign.tiers(
        score_bound(cohort, weights),
        rows,
        cols,
        assign.needs_cover(free_j, free_s, covered_j, covered_s),
    )
    row_bonus = assign.first_bonus(free_j, covered_j, levels.cover)
    col_bonus = assign.first_bonus(free_s, covered_s, levels.cover)
    top = score_bound(cohort, weights) + levels.pair + 2 * levels.cover
    if min(rows, cols) == 0:
        method = "none"
    elif method == "auto":
        if max(rows, cols) - min(rows, cols) > PADDING_SHARE * max(rows, cols):
            method = "scipy"
        else:
            method = "lapjv"
    exact32 = 4 * top < FLOAT32_EXACT
    if method == "lapjv":
        size = max(rows, cols)
        cost = np.zeros((size, size), dtype=np.float32 if exact32 else np.float64)
    elif method == "scipy":
        cost = np.zeros((rows, cols), dtype=np.float64)
    else:
        cost = np.zeros((0, 0), dtype=np.float32)
    plain = bool((free_s == 1).all())  # one slot per senior: columns need no gather
    col_bonus_f = col_bonus.astype(cost.dtype)
    bonuses = bool(row_bonus.any() or col_bonus.any())
    junior_any = np.zeros(n_j, dtype=bool)
    junior_chain = np.zeros(n_j, dtype=bool)
    senior_any = np.zeros(n_s, dtype=bool)
    senior_chain = np.zeros(n_s, dtype=bool)

    def fill(r0: int, r1: int):
        """Score juniors r0..r1 and write their slot rows (disjoint per block)."""
        block = score_block(cohort, weights, rules, r0, r1)
        stats = (
            block.eligible.any(axis=1),
            block.eligible_but_chain.any(axis=1),
            block.eligible.any(axis=0),
            block.eligible_but_chain.any(axis=0),
        )
        s0, s1 = int(slot_start[r0]), int(slot_start[r1])
        if method != "none" and s1 > s0:
            # Few passes over the block: it is most of the time left beside lapjv itself.
            weight = block.score.astype(cost.dtype, copy=False)
            weight += cost.dtype.type(levels.pair)
            np.negative(weight, out=weight)
            np.multiply(weight, block.eligible, out=weight)  # ineligible: 0
            target = cost[s0:s1, :cols]
            people = row_person[s0:s1] - r0
            if plain and np.array_equal(people, np.arange(r1 - r0)):
                target[...] = weight  # one slot per junior of the block, in order
            elif plain:
                np.take(weight, people, axis=0, out=target)
            else:
                target[...] = np.take(weight[people], col_person, axis=1)
            if bonuses:
                eligible = target < 0
                target -= row_bonus[s0:s1, None].astype(cost.dtype) * eligible
                target -= col_bonus_f * eligible
        return (r0, r1, *stats)

    step = max(16, DENSE_BLOCK_CELLS // max(n_s, 1))
    spans = [(r0, min(n_j, r0 + step)) for r0 in range(0, n_j, step)]
    # numpy lets go of the GIL on big arrays: two threads score two blocks at once (one block:
    # no thread at all).
    with ThreadPoolExecutor(max_workers=2 if len(spans) > 2 else 1) as pool:
        mapped = [fill(*spans[0])] if len(spans) == 1 else pool.map(lambda span: fill(*span), spans)
        for r0, r1, rows_any, rows_chain, cols_any, cols_chain in mapped:
            junior_any[r0:r1] = rows_any
            junior_chain[r0:r1] = rows_chain
            senior_any |= cols_any
            senior_chain |= cols_chain
            progress(0.5 * r1 / max(n_j, 1), "scoring")
    progress(0.5, "solving")
    pairs: list[tuple[int, int]] = []
    if method == "lapjv":
        assigned, _, (_, u, v) = lapjv(cost, force_doubles=cost.dtype == np.float64)
        if _proven(cost, assigned, u, v):
            slot_rows = np.arange(rows)
            slot_cols = assigned[:rows].astype(np.int64)
            keep = slot_cols < cols
            slot_rows, slot_cols = slot_rows[keep], slot_cols[keep]
        else:  # pragma: no cover - a safety net
            method = "scipy"
            cost = cost[:rows, :cols].astype(np.float64)
    if method == "scipy":
        slot_rows, slot_cols = linear_sum_assignment(cost)
    if method in ("lapjv", "scipy"):
        taken = cost[slot_rows, slot_cols] < 0
        p_rows = row_person[slot_rows[taken]]
        p_cols = col_person[slot_cols[taken]]
        codes = p_rows.astype(np.int64) * max(n_s, 1) + p_cols
        if len(np.unique(codes)) != len(codes):
            raise _Duplicated
        pairs = sorted(zip(p_rows.tolist(), p_cols.tolist(), strict=True))
    return DenseAnswer(pairs, junior_any, junior_chain, senior_any, senior_chain)


def _proven(cost: np.ndarray, assigned: np.ndarray, u: np.ndarray, v: np.ndarray) -> bool:
    """lapjv's dual prices certify its answer: u_i + v_j <= c_ij everywhere and the answer's cost
    equals sum(u) + sum(v) (weak duality), checked exactly (all values are integers)."""
    u = u.astype(cost.dtype)
    v = v.astype(cost.dtype)
    primal = float(cost[np.arange(len(assigned)), assigned].sum(dtype=np.float64))
    if primal != float(u.sum(dtype=np.float64) + v.sum(dtype=np.float64)):
        return False
    step = max(16, DENSE_BLOCK_CELLS // max(len(v), 1))
    for r0 in range(0, len(cost), step):
        reduced = cost[r0 : r0 + step] - u[r0 : r0 + step, None]
        reduced -= v
        if reduced.min() < 0:
            return False
    return True
