"""The exact solve on a candidate graph: a min-cost flow with tiers, plus its dual prices.

The objective of DESIGN.md "Pairing score" is lexicographic: (1) the most people with at least
one partner, (2) the most pairs, (3) the highest total score. As one flow:

    source -> junior j: one "first" unit worth `cover` (when j has nobody yet), then the rest
                        of j's free capacity worth 0
    junior j -> senior s: one unit worth `pair + score(j, s)` per candidate pair
    senior s -> sink:   like the juniors' side
    source -> sink:     free, so sending less is always possible

`pair` exceeds any total score and `cover` exceeds any total of pairs and scores, so the tiers
are strict. A person's first unit is worth more than their others, so the flow takes it first:
people covered = first units used. OR-tools' min-cost flow (cost scaling, C++) solves it; every
pair arc has capacity 1, so two people are never paired twice, whatever their capacities.

The dual prices (node potentials) come from shortest paths in the residual graph of the optimal
flow (vectorised Bellman-Ford: no negative cycle exists at an optimum). With them, proof.py
proves the answer optimal for every eligible pair, not just the candidates: a pair left out with
`score <= alpha[j] + beta[s]` could not improve it (LP duality).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow


@dataclass
class Tiers:
    pair: int  # worth of one more pair: beats any total score
    cover: int  # worth of one more person covered: beats any total of pairs and scores


def tiers(max_score: int, max_pairs: int, needs_cover: bool) -> Tiers:
    """`needs_cover` is False when every free slot is somebody's first (then people covered
    is twice the pairs and the pair tier already decides: smaller numbers solve faster)."""
    pair = max(max_score, 0) * max(max_pairs, 1) + 1
    cover = (pair + max(max_score, 0)) * max(max_pairs, 1) + 1 if needs_cover else 0
    return Tiers(pair, cover)


@dataclass
class FlowAnswer:
    paired: np.ndarray  # bool per candidate arc
    alpha: np.ndarray  # per junior: a left-out pair cannot help when score <= alpha + beta
    beta: np.ndarray  # per senior


def solve_flow(
    rows: np.ndarray,
    cols: np.ndarray,
    scores: np.ndarray,
    free_j: np.ndarray,
    free_s: np.ndarray,
    covered_j: np.ndarray,
    covered_s: np.ndarray,
    levels: Tiers,
) -> FlowAnswer:
    """Optimal pairs among the candidate arcs (junior row, senior column, score), for the free
    capacities; people already `covered` (locked or fixed pairs) earn no cover bonus again."""
    n_j, n_s = len(free_j), len(free_s)
    source, sink = n_j + n_s, n_j + n_s + 1
    first_j = np.where(covered_j, 0, np.minimum(free_j, 1))
    first_s = np.where(covered_s, 0, np.minimum(free_s, 1))
    juniors, seniors = np.arange(n_j), n_j + np.arange(n_s)
    tails = np.concatenate([np.full(2 * n_j, source), rows, seniors, seniors, [source]]).astype(
        np.int64
    )
    heads = np.concatenate([juniors, juniors, n_j + cols, np.full(2 * n_s, sink), [sink]]).astype(
        np.int64
    )
    total = int(free_j.sum())
    capacity = np.concatenate(
        [first_j, free_j - first_j, np.ones(len(rows)), first_s, free_s - first_s, [total]]
    ).astype(np.int64)
    cost = np.concatenate(
        [
            np.full(n_j, -levels.cover),
            np.zeros(n_j),
            -(levels.pair + scores.astype(np.int64)),
            np.full(n_s, -levels.cover),
            np.zeros(n_s),
            [0],
        ]
    ).astype(np.int64)
    solver = min_cost_flow.SimpleMinCostFlow()
    solver.add_arcs_with_capacity_and_unit_cost(tails, heads, capacity, cost)
    supplies = np.zeros(n_j + n_s + 2, dtype=np.int64)
    supplies[source], supplies[sink] = total, -total
    solver.set_nodes_supplies(np.arange(n_j + n_s + 2), supplies)
    status = solver.solve()
    if status != solver.OPTIMAL:  # pragma: no cover - the flow is always feasible (bypass arc)
        raise RuntimeError(f"the min-cost flow solver answered {status}")
    flows = solver.flows(np.arange(len(tails)))
    potential = _potentials(tails, heads, capacity, cost, flows, n_j + n_s + 2)
    # Reduced cost of a left-out pair arc: -(pair + score) + p[j] - p[s] >= 0.
    alpha = potential[:n_j]
    beta = -potential[n_j : n_j + n_s] - levels.pair
    pair_flow = flows[2 * n_j : 2 * n_j + len(rows)]
    return FlowAnswer(pair_flow > 0, alpha, beta)


def _potentials(
    tails: np.ndarray,
    heads: np.ndarray,
    capacity: np.ndarray,
    cost: np.ndarray,
    flows: np.ndarray,
    nodes: int,
) -> np.ndarray:
    """p with cost + p[tail] - p[head] >= 0 on every residual arc: shortest distances from a
    virtual root joined to every node at cost 0 (exact: integers in float64)."""
    forward = flows < capacity
    backward = flows > 0
    r_from = np.concatenate([tails[forward], heads[backward]])
    r_to = np.concatenate([heads[forward], tails[backward]])
    r_cost = np.concatenate([cost[forward], -cost[backward]]).astype(np.float64)
    order = np.argsort(r_from, kind="stable")
    r_from, r_to, r_cost = r_from[order], r_to[order], r_cost[order]
    first = np.searchsorted(r_from, np.arange(nodes + 1))
    distance = np.zeros(nodes)  # the root's arcs: every node starts at 0
    changed = np.unique(r_from[r_cost < 0])  # only a negative arc can lower a distance at first
    for _ in range(nodes + 1):  # an optimal flow leaves no negative cycle: converges by then
        if not len(changed):
            return distance
        # Relax only the arcs leaving nodes whose distance changed in the last round.
        counts = first[changed + 1] - first[changed]
        arcs = np.repeat(first[changed] - np.cumsum(counts) + counts, counts) + np.arange(
            int(counts.sum())
        )
        reach = distance[r_from[arcs]] + r_cost[arcs]
        heads_hit = r_to[arcs]
        before = distance.copy()
        np.minimum.at(distance, heads_hit, reach)
        changed = np.flatnonzero(distance < before)
    raise RuntimeError("the flow is not optimal: its residual graph has a negative cycle")
