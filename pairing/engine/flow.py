"""Exact b-matching by successive shortest paths, for when two people who both take several
partners would otherwise be paired twice (see solve.py). No Django."""

from __future__ import annotations

import numpy as np

from pairing.engine.score import ScoredCohort, score_block
from pairing.engine.types import Rules, Weights


def min_cost_flow_cohort(
    cohort: ScoredCohort,
    weights: Weights,
    rules: Rules,
    capacity_j: np.ndarray,
    capacity_s: np.ndarray,
) -> list[tuple[int, int]]:
    block = score_block(cohort, weights, rules, 0, len(cohort.juniors.ids))
    return min_cost_flow(block.eligible, block.score.astype(np.float64), capacity_j, capacity_s)


def min_cost_flow(
    eligible: np.ndarray, score: np.ndarray, capacity_j: np.ndarray, capacity_s: np.ndarray
) -> list[tuple[int, int]]:
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
