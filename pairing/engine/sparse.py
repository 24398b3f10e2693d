"""An exact assignment solver for big cohorts, working on each person's best candidates (no Django).

Input: the slot-level cost matrix of pairing/_solve.py (eligible entries negative, everything
else 0, meaning "not paired"). Only a few entries per row can be in a best answer, so:

1. Candidates: each row's K cheapest negative entries and each column's K cheapest.
2. Solve on the candidates alone, exactly, with scipy's sparse Jonker-Volgenant
   (`min_weight_full_bipartite_matching`). Each row also gets a private "stay unpaired" column
   of cost 0, so a full matching always exists and the sparse problem is the dense one with
   every left-out entry treated as "not there". All weights are shifted by one constant to be
   positive (every row takes exactly one edge, so the shift changes nothing).
3. Dual prices for that answer: column potentials v with v[to] <= v[from] + w along every edge
   of the residual graph (Bellman-Ford rounds, vectorised), then u_i = c_i,sigma(i) - v_sigma(i).
4. Proof on the FULL problem, in exact arithmetic (integers in float64): every eligible entry
   has reduced cost c_ij - u_i - v_j >= 0, every "unpaired" column too (u_i + v_dummy_i <= 0),
   every v <= 0, v = 0 on columns left free, and the answer's cost equals sum(u) + sum(v).
   That is LP duality for the assignment problem (rows exactly once, columns at most once):
   the answer is optimal for the dense matrix, not just for the candidates.
5. Entries that break the proof (and near-breakers) join the candidates; solve again.

Returns None when the proof does not come within MAX_ROUNDS: the caller then solves densely.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

CANDIDATES_PER_ROW = 20
CANDIDATES_PER_COLUMN = 10
NEAR = 3.0  # entries within this reduced cost of breaking the proof are added too (fewer rounds)
MAX_ROUNDS = 8
BLOCK_CELLS = 2_000_000  # cells handled at once when scanning the matrix (16 MB in float64)


def _candidates(cost: np.ndarray, per_row: int, per_column: int) -> tuple[np.ndarray, np.ndarray]:
    n, m = cost.shape
    rows, cols = [], []
    if per_row:
        k = min(per_row, m)
        step = max(1, BLOCK_CELLS // max(m, 1))
        for r0 in range(0, n, step):
            block = cost[r0 : r0 + step]
            best = (
                np.argpartition(block, k - 1, axis=1)[:, :k]
                if k < m
                else np.broadcast_to(np.arange(m), block.shape)
            )
            r = np.repeat(np.arange(len(block)), k)
            c = best.ravel()
            keep = block[r, c] < 0
            rows.append(r[keep] + r0)
            cols.append(c[keep])
    if per_column:
        k = min(per_column, n)
        step = max(1, BLOCK_CELLS // max(n, 1))
        for c0 in range(0, m, step):
            block = np.ascontiguousarray(cost[:, c0 : c0 + step].T)
            best = (
                np.argpartition(block, k - 1, axis=1)[:, :k]
                if k < n
                else np.broadcast_to(np.arange(n), block.shape)
            )
            c = np.repeat(np.arange(len(block)), k)
            r = best.ravel()
            keep = block[c, r] < 0
            rows.append(r[keep])
            cols.append(c[keep] + c0)
    if not rows:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    code = np.unique(np.concatenate(rows).astype(np.int64) * m + np.concatenate(cols))
    return code // m, code % m


def _potentials(
    sigma: np.ndarray,
    matched_cost: np.ndarray,
    rows: np.ndarray,
    cols: np.ndarray,
    cost_rc: np.ndarray,
    n: int,
    m: int,
) -> np.ndarray | None:
    """Column potentials (m real columns, then one "unpaired" column per row), or None."""
    ar = np.arange(n)
    a_from = np.concatenate([sigma[rows], sigma])
    a_to = np.concatenate([cols, m + ar])
    a_w = np.concatenate([cost_rc - matched_cost[rows], -matched_cost])
    other = a_to != a_from
    a_from, a_to, a_w = a_from[other], a_to[other], a_w[other]
    order = np.argsort(a_to, kind="stable")
    a_from, a_to, a_w = a_from[order], a_to[order], a_w[order]
    v = np.zeros(m + n)
    if not len(a_to):
        return v
    starts = np.flatnonzero(np.r_[True, a_to[1:] != a_to[:-1]])
    target = a_to[starts]
    for _ in range(n + m + 1):  # no negative cycle (the answer is optimal): converges by then
        best = np.minimum.reduceat(v[a_from] + a_w, starts)
        better = best < v[target]
        if not better.any():
            return v
        v[target[better]] = best[better]
    return None  # pragma: no cover - only if the sparse answer were not optimal


def solve_sparse(
    cost: np.ndarray, per_row: int | None = None, per_column: int | None = None
) -> np.ndarray | None:
    """Column per row (>= cost.shape[1] means "not paired"), proven optimal for the whole dense
    `cost`; None if the proof did not come in time."""
    n, m = cost.shape
    per_row = CANDIDATES_PER_ROW if per_row is None else per_row
    per_column = CANDIDATES_PER_COLUMN if per_column is None else per_column
    rows, cols = _candidates(cost, per_row, per_column)
    shift = 1.0 - float(cost.min()) if cost.size else 1.0
    ar = np.arange(n)
    step = max(1, BLOCK_CELLS // max(m, 1))
    for _ in range(MAX_ROUNDS):
        cost_rc = cost[rows, cols].astype(np.float64)
        graph = sp.csr_array(
            (
                np.concatenate([cost_rc + shift, np.full(n, shift)]),
                (np.concatenate([rows, ar]), np.concatenate([cols, m + ar])),
            ),
            shape=(n, m + n),
        )
        solved_rows, solved_cols = min_weight_full_bipartite_matching(graph)
        sigma = np.empty(n, dtype=np.int64)
        sigma[solved_rows] = solved_cols
        real = sigma < m
        matched_cost = np.zeros(n)
        matched_cost[real] = cost[ar[real], sigma[real]]
        v = _potentials(sigma, matched_cost, rows, cols, cost_rc, n, m)
        if v is None:  # pragma: no cover
            return None
        u = matched_cost - v[sigma]
        free = np.ones(m + n, dtype=bool)
        free[sigma] = False
        if (v > 0).any() or (v[free] != 0).any() or (u + v[m:] > 0).any():
            return None  # pragma: no cover - the sparse answer was not optimal
        v_real = v[:m]
        # A first pass in the matrix's own precision picks the entries that may be near or
        # below zero; `slack` bounds its rounding (three operations, each within half an ulp of
        # the largest magnitude involved), then those entries are checked exactly in float64.
        slack = (
            4.0
            * float(np.finfo(cost.dtype).eps)
            * (shift + float(np.abs(u).max()) + float(np.abs(v_real).max()))
            + 1
        )
        u_low, v_low = u.astype(cost.dtype), v_real.astype(cost.dtype)

        def scan(r0: int, u_low=u_low, v_low=v_low, slack=slack) -> tuple[np.ndarray, np.ndarray]:
            block = cost[r0 : r0 + step]
            reduced = block - u_low[r0 : r0 + step, None]
            reduced -= v_low
            r, c = np.nonzero((reduced < NEAR + slack) & (block < 0))
            return r + r0, c

        # numpy lets go of the GIL on big arrays: two threads scan two blocks at once.
        with ThreadPoolExecutor(max_workers=2 if n > 2 * step else 1) as pool:
            found = list(pool.map(scan, range(0, n, step)))
        add_r = np.concatenate([r for r, _ in found]).astype(np.int64)
        add_c = np.concatenate([c for _, c in found]).astype(np.int64)
        exact = cost[add_r, add_c].astype(np.float64) - u[add_r] - v_real[add_c]
        breaking = int(np.count_nonzero(exact < 0))
        add_r, add_c = add_r[exact < NEAR], add_c[exact < NEAR]
        if not breaking:
            if float(matched_cost.sum()) != float(u.sum() + v.sum()):
                return None  # pragma: no cover - a safety net
            return sigma
        code = np.unique(np.concatenate([rows * m + cols, add_r * m + add_c]))
        rows, cols = code // m, code % m
    return None
