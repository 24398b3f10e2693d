"""The objective of DESIGN.md "Pairing score" as an ordinary assignment problem (no Django).

Each person with free capacity gets one slot per free place: junior j slots (j, 0), (j, 1), ..,
senior s slots (s, 0), (s, 1), ... A slot pair weighs

    w = score(j, s) + PAIR + COVER * [a == 0 and j not yet covered]
                           + COVER * [b == 0 and s not yet covered]

for junior slot a and senior slot b. A person's slots have the same candidates, so an optimal
assignment uses a person's first slot before any other (moving a partner there gains COVER):
first slots used = people newly covered. With the tiers

    PAIR  = S * (k - 1) + 1       S = the highest score, k = min(row slots, column slots)
    COVER = PAIR + S * k + 1

the most weight is the most people, then the most pairs, then the highest score. Why: compare
an optimal assignment A with any answer B. Their symmetric difference falls into alternating
paths and cycles, and swapping one of them in A gives another assignment. Only a path's two
ends change which slots are used, so a swap changes the first slots used by at most 2, the
pairs by at most 1, and loses at most the scores of A's pairs on it (at most k, and at most
k - 1 when the swap adds a pair). If B covered more people, some swap would cover more: it gains
at least COVER - PAIR - S * k > 0, which an optimum cannot allow; so every swap keeps the cover,
and likewise, with equal cover, every swap keeps the pairs (PAIR > S * (k - 1)), and then the
score. COVER and PAIR are constants per row and column of the slot matrix (plus one constant per
entry), so the dual prices of an assignment solver prove answers like any other weights.

An assignment may still pair the same two people twice when both take several partners: the
caller sees `duplicated` and uses the min-cost flow (flow.py) instead, which is exact there.

`solve_slots` solves the candidate pairs (person level) with scipy's sparse Jonker-Volgenant
and returns dual prices per person for proof.py's proof: a left-out pair cannot improve the
answer when score <= alpha[j] + beta[s].
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import maximum_bipartite_matching, min_weight_full_bipartite_matching


@dataclass
class Tiers:
    pair: int  # one more pair beats any total score
    cover: int  # one more person covered beats any pairs and score (0: not needed)


def tiers(max_score: int, row_slots: int, col_slots: int, needs_cover: bool) -> Tiers:
    """`needs_cover` is False when every slot is the first of someone not yet covered (then
    the cover is twice the pairs, and the pair tier decides alone: smaller numbers)."""
    top, k = max(int(max_score), 0), max(min(int(row_slots), int(col_slots)), 1)
    pair = top * (k - 1) + 1
    cover = pair + top * k + 1 if needs_cover else 0
    return Tiers(pair, cover)


def needs_cover(
    free_j: np.ndarray, free_s: np.ndarray, covered_j: np.ndarray, covered_s: np.ndarray
) -> bool:
    return bool(
        (free_j > 1).any()
        or (free_s > 1).any()
        or ((free_j > 0) & covered_j).any()
        or ((free_s > 0) & covered_s).any()
    )


def first_bonus(free: np.ndarray, covered: np.ndarray, cover: int) -> np.ndarray:
    """Per slot (people's slots one after another): COVER on first slots of people not yet
    covered, else 0."""
    start = np.concatenate(([0], np.cumsum(free)))[:-1]
    bonus = np.zeros(int(free.sum()), dtype=np.int64)
    firsts = free > 0
    bonus[start[firsts]] = np.where(covered[firsts], 0, cover)
    return bonus


@dataclass
class SlotAnswer:
    paired: np.ndarray  # bool per candidate pair
    duplicated: bool  # two people paired twice with each other: not a valid answer
    alpha: np.ndarray  # float64 per junior
    beta: np.ndarray  # float64 per senior


def solve_slots(
    rows: np.ndarray,
    cols: np.ndarray,
    scores: np.ndarray,
    free_j: np.ndarray,
    free_s: np.ndarray,
    covered_j: np.ndarray,
    covered_s: np.ndarray,
    levels: Tiers,
    turned: bool = False,
) -> SlotAnswer | None:
    """The optimal assignment of slots among the candidate pairs (unique (row, col) pairs of
    people with free capacity), with dual prices; None if the prices did not prove it (a
    safety net: the caller then uses the flow)."""
    n_j, n_s = len(free_j), len(free_s)
    free_j = free_j.astype(np.int64)
    free_s = free_s.astype(np.int64)
    row_start = np.concatenate(([0], np.cumsum(free_j)))
    col_start = np.concatenate(([0], np.cumsum(free_s)))
    n_rows, n_cols = int(row_start[-1]), int(col_start[-1])
    row_bonus = first_bonus(free_j, covered_j, levels.cover)
    col_bonus = first_bonus(free_s, covered_s, levels.cover)
    # every candidate pair as each of its slot pairs
    per = free_j[rows] * free_s[cols]
    edge = np.repeat(np.arange(len(rows)), per)
    offset = np.arange(len(edge)) - np.repeat(np.cumsum(per) - per, per)
    width = free_s[cols][edge]
    slot_r = row_start[rows][edge] + offset // np.maximum(width, 1)
    slot_c = col_start[cols][edge] + offset % np.maximum(width, 1)
    weight = (
        scores[edge].astype(np.float64) + levels.pair + row_bonus[slot_r] + col_bonus[slot_c]
    )  # exact: integers far below 2**53
    cost = -weight
    # When the candidates can fill every slot of one side, and each slot of the other side is
    # someone's first (so each pair covers one more person there), the best answer fills that
    # whole side: every other answer has fewer people or fewer pairs. Then that side needs no
    # "stays free" columns, which makes scipy's matching several times faster.
    plain_j = not ((free_j > 1).any() or ((free_j > 0) & covered_j).any())
    plain_s = not ((free_s > 1).any() or ((free_s > 0) & covered_s).any())
    full_rows = False
    if n_rows and n_cols and (plain_s or (plain_j and not turned)):
        structure = sp.csr_array(
            (np.ones(len(slot_r), dtype=np.int8), (slot_r, slot_c)), shape=(n_rows, n_cols)
        )
        size = int((maximum_bipartite_matching(structure, perm_type="column") >= 0).sum())
        full_rows = plain_s and size == n_rows
        if not full_rows and plain_j and not turned and size == n_cols:
            found = solve_slots(
                cols, rows, scores, free_s, free_j, covered_s, covered_j, levels, turned=True
            )
            if found is None:  # pragma: no cover - a safety net
                return None
            return SlotAnswer(found.paired, found.duplicated, found.beta, found.alpha)
    if full_rows:
        return _solve_full_rows(
            rows,
            edge,
            slot_r,
            slot_c,
            cost,
            n_rows,
            n_cols,
            n_j,
            n_s,
            free_j,
            free_s,
            row_start,
            col_start,
            row_bonus,
            col_bonus,
            levels,
        )
    # Every slot row also gets a private "stays free" column of cost 0, so a full matching
    # exists; scipy needs positive entries, so everything is shifted by one constant (each row
    # takes exactly one entry: the shift changes no choice).
    shift = 1.0 + (float(weight.max()) if len(weight) else 0.0)
    ar = np.arange(n_rows)
    graph = sp.csr_array(
        (
            np.concatenate([cost + shift, np.full(n_rows, shift)]),
            (np.concatenate([slot_r, ar]), np.concatenate([slot_c, n_cols + ar])),
        ),
        shape=(n_rows, n_cols + n_rows),
    )
    if n_rows:
        solved_rows, solved_cols = min_weight_full_bipartite_matching(graph)
        sigma = np.empty(n_rows, dtype=np.int64)
        sigma[solved_rows] = solved_cols
    else:
        sigma = np.zeros(0, dtype=np.int64)
    taken = sigma[slot_r] == slot_c
    matched_cost = np.zeros(n_rows)
    matched_cost[slot_r[taken]] = cost[taken]
    v = _potentials(sigma, matched_cost, slot_r, slot_c, cost, n_rows, n_cols)
    if v is None:  # pragma: no cover - only if the matching were not optimal
        return None
    u = matched_cost - v[sigma]
    free = np.ones(n_cols + n_rows, dtype=bool)
    free[sigma] = False
    if (v > 0).any() or (v[free] != 0).any() or (u + v[n_cols:] > 0).any():
        return None  # pragma: no cover - the prices do not certify the answer
    if float(matched_cost.sum()) != float(u.sum() + v.sum()):
        return None  # pragma: no cover
    # In "most weight" terms the prices are -u and -v: a slot pair can improve nothing when
    # w <= -u[r] - v[c]. For a person pair, over all of its slot pairs:
    # score <= min_r(-u[r] - bonus[r]) + min_c(-v[c] - bonus[c]) - PAIR.
    alpha = np.zeros(n_j)
    beta = np.zeros(n_s)
    has_j, has_s = free_j > 0, free_s > 0
    if n_rows:
        alpha[has_j] = np.minimum.reduceat(-u - row_bonus, row_start[:-1][has_j])
    if n_cols:
        beta[has_s] = np.minimum.reduceat(-v[:n_cols] - col_bonus, col_start[:-1][has_s])
    beta -= levels.pair
    paired = np.zeros(len(rows), dtype=bool)
    paired[edge[taken]] = True
    duplicated = int(paired.sum()) != int(taken.sum())
    return SlotAnswer(paired, duplicated, alpha, beta)


def _solve_full_rows(
    rows,
    edge,
    slot_r,
    slot_c,
    cost,
    n_rows,
    n_cols,
    n_j,
    n_s,
    free_j,
    free_s,
    row_start,
    col_start,
    row_bonus,
    col_bonus,
    levels,
) -> SlotAnswer | None:
    """Every slot row is matched (rows exactly once, columns at most once): the same LP
    duality, with row prices of any sign and no "stays free" columns."""
    shift = 1.0 - float(cost.min())
    graph = sp.csr_array((cost + shift, (slot_r, slot_c)), shape=(n_rows, n_cols))
    solved_rows, solved_cols = min_weight_full_bipartite_matching(graph)
    sigma = np.empty(n_rows, dtype=np.int64)
    sigma[solved_rows] = solved_cols
    taken = sigma[slot_r] == slot_c
    matched_cost = np.zeros(n_rows)
    matched_cost[slot_r[taken]] = cost[taken]
    v = _potentials(sigma, matched_cost, slot_r, slot_c, cost, n_rows, n_cols, dummies=False)
    if v is None:  # pragma: no cover
        return None
    u = matched_cost - v[sigma]
    free = np.ones(n_cols, dtype=bool)
    free[sigma] = False
    if (v > 0).any() or (v[free] != 0).any():
        return None  # pragma: no cover - the prices do not certify the answer
    if float(matched_cost.sum()) != float(u.sum() + v.sum()):
        return None  # pragma: no cover
    alpha = np.zeros(n_j)
    beta = np.zeros(n_s)
    has_j, has_s = free_j > 0, free_s > 0
    alpha[has_j] = np.minimum.reduceat(-u - row_bonus, row_start[:-1][has_j])
    beta[has_s] = np.minimum.reduceat(-v - col_bonus, col_start[:-1][has_s])
    beta -= levels.pair
    paired = np.zeros(len(rows), dtype=bool)
    paired[edge[taken]] = True
    return SlotAnswer(paired, int(paired.sum()) != int(taken.sum()), alpha, beta)


def _potentials(
    sigma: np.ndarray,
    matched_cost: np.ndarray,
    rows: np.ndarray,
    cols: np.ndarray,
    cost: np.ndarray,
    n: int,
    m: int,
    dummies: bool = True,
) -> np.ndarray | None:
    """Column prices v (m slot columns, then one "stays free" column per row) with
    v[to] <= v[from] + w on every arc of the residual graph: shortest distances from a virtual
    root joined to every column at 0 (Bellman-Ford rounds, vectorised; exact in float64)."""
    ar = np.arange(n if dummies else 0)
    a_from = np.concatenate([sigma[rows], sigma[ar]])
    a_to = np.concatenate([cols, m + ar])
    a_w = np.concatenate([cost - matched_cost[rows], -matched_cost[ar]])
    other = a_to != a_from
    a_from, a_to, a_w = a_from[other], a_to[other], a_w[other]
    size = m + len(ar)
    v = np.zeros(size)
    if not len(a_to):
        return v
    order = np.argsort(a_from, kind="stable")
    a_from, a_to, a_w = a_from[order], a_to[order], a_w[order]
    first = np.searchsorted(a_from, np.arange(size + 1))
    changed = np.unique(a_from[a_w < 0])  # every price starts at 0: only these can lower one
    for _ in range(size + 1):  # no negative cycle at an optimum: converges by then
        if not len(changed):
            return v
        # Relax only the arcs leaving columns whose price changed in the last round: late
        # rounds touch a handful of arcs, not all of them.
        counts = first[changed + 1] - first[changed]
        arcs = np.repeat(first[changed] - np.cumsum(counts) + counts, counts) + np.arange(
            int(counts.sum())
        )
        reach = v[a_from[arcs]] + a_w[arcs]
        before = v.copy()
        np.minimum.at(v, a_to[arcs], reach)
        changed = np.flatnonzero(v < before)
    return None  # pragma: no cover - only if the answer were not optimal
