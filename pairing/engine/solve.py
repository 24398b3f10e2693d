"""solve(): the cohort's exact pairs, in memory bounded by the candidates kept (no Django).

1. Locked and fixed pairs take their capacity first (both count their people as covered).
2. The objective (the most people covered, then the most pairs, then the highest total score)
   is an ordinary assignment of capacity slots with tiered weights (assign.py).
3. Small cohorts (fewer than SPARSE_MIN_CELLS slot cells): the whole slot matrix (dense.py),
   solved by lapjv when square (its dual prices checked) or scipy when rectangular.
4. Bigger ones: score every junior against every senior in blocks, keeping each open person's
   best candidates only (sparse.collect, compiled in kernels.py on pack.py's arrays); solve
   those slots exactly (warm.py, restarting from the last round; assign.solve_slots as the
   fallback) and prove the answer on the whole cohort with the dual prices (proof.py:
   `suspects`, then `violations` re-scores only the juniors whose bounds do not settle it);
   pairs that break the proof join the candidates and the assignment is solved again, until
   none does (proof.solve_candidates).
5. When an assignment pairs the same two people twice (both take several partners), the
   tiered min-cost flow (flow.py) solves the candidates instead, with the same proof.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from pairing.engine import dense
from pairing.engine.explain import check_weights, explain
from pairing.engine.proof import Progress, _noop, solve_candidates
from pairing.engine.score import build_cohort
from pairing.engine.sparse import Candidates
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

# From this many slot cells up, solve on candidates and prove with dual prices (bounded memory).
SPARSE_MIN_CELLS = 16_000_000
# Without lapjv (a rectangle), scipy's dense solve is slower than the candidates and their proof
# from this size up (measured: 1,000 x 1,200 slots 0.15 s dense, 0.05 s on candidates).
RECTANGLE_SPARSE_MIN_CELLS = 250_000


def _present(
    pairs: Sequence[tuple[int, int]], junior_row: dict[int, int], senior_col: dict[int, int]
) -> list[tuple[int, int]]:
    return [
        (junior_row[j], senior_col[s])
        for j, s in dict.fromkeys(pairs)
        if j in junior_row and s in senior_col
    ]


def solve(
    juniors: Sequence[Person],
    seniors: Sequence[Person],
    *,
    weights: Weights = DEFAULT_WEIGHTS,
    rules: Rules = NO_RULES,
    progress: Progress | None = None,
) -> PairingResult:
    """Exact, in this order: the most people with at least one partner, the most pairs the
    capacities allow, the highest total score (DESIGN.md "Pairing score").

    Locked pairs are kept (even if ineligible: HR's explicit choice) and use up capacity; fixed
    pairs (a top-up's active pairs) too, and are not proposed again. Both count their people as
    covered. Pairs naming someone not in the cohort are ignored. Deterministic.
    """
    check_weights(weights, rules)
    progress = progress or _noop
    juniors = sorted(juniors, key=lambda p: p.id)
    seniors = sorted(seniors, key=lambda p: p.id)
    junior_row = {p.id: i for i, p in enumerate(juniors)}
    senior_col = {p.id: i for i, p in enumerate(seniors)}
    if len(junior_row) != len(juniors) or len(senior_col) != len(seniors):
        raise ValueError("each person may appear only once on each side")

    fixed_pairs = _present(rules.fixed, junior_row, senior_col)
    locked_pairs = [p for p in _present(rules.locked, junior_row, senior_col)]
    locked_pairs = [p for p in locked_pairs if p not in set(fixed_pairs)]
    taken = locked_pairs + fixed_pairs
    used_j = np.bincount([r for r, _ in taken], minlength=len(juniors)).astype(np.int64)
    used_s = np.bincount([c for _, c in taken], minlength=len(seniors)).astype(np.int64)
    capacity_j = np.asarray([max(0, int(p.capacity)) for p in juniors], dtype=np.int64)
    capacity_s = np.asarray([max(0, int(p.capacity)) for p in seniors], dtype=np.int64)
    free_j = np.maximum(capacity_j - used_j, 0)
    free_s = np.maximum(capacity_s - used_s, 0)

    cohort = build_cohort(juniors, seniors, weights, rules, also_forbidden=taken)
    covered_j, covered_s = used_j > 0, used_s > 0
    answer: dense.DenseAnswer | Candidates | None = None
    rows, cols = int(free_j.sum()), int(free_s.sum())
    square = max(rows, cols) - min(rows, cols) <= dense.PADDING_SHARE * max(rows, cols)
    limit = SPARSE_MIN_CELLS if square else min(SPARSE_MIN_CELLS, RECTANGLE_SPARSE_MIN_CELLS)
    if rows * cols < limit:
        try:
            answer = dense.solve_dense(
                cohort, weights, rules, free_j, free_s, covered_j, covered_s, progress
            )
            pairs = answer.pairs
        except dense._Duplicated:
            answer = None
    if answer is None:
        pairs, answer, _ = solve_candidates(
            cohort, weights, rules, free_j, free_s, covered_j, covered_s, progress
        )
    progress(1.0, "solved")

    bonus = rules.bonus
    proposals = [
        explain(juniors[r], seniors[c], weights, locked=True, bonus=bonus) for r, c in locked_pairs
    ]
    proposals += [explain(juniors[r], seniors[c], weights, bonus=bonus) for r, c in pairs]
    proposals.sort(key=lambda p: (-p.score, p.junior_id, p.senior_id))
    for r, c in pairs:
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
            juniors, "junior", used_j, answer.junior_any, answer.junior_chain
        ),
        unmatched_seniors=unmatched(
            seniors, "senior", used_s, answer.senior_any, answer.senior_chain
        ),
        total_score=sum(p.score for p in proposals),
        people_covered=int((used_j > 0).sum() + (used_s > 0).sum()),
    )


def warm_up() -> float:
    """Load the compiled loops of the candidates' route (kernels.py, warm.py) by solving a
    tiny cohort through it, so the first real cohort does not wait for them: numba reads its
    on-disk cache in a fraction of a second, or compiles them once per machine (seconds).
    Returns the seconds it took."""
    import time

    from pairing.engine.types import Person

    started = time.perf_counter()
    juniors = [Person(1 + i, 1 + i, teach={1: 1 + i % 3}, learn={2: 1}) for i in range(4)]
    seniors = [Person(10 + i, 10 + i, teach={2: 2}, learn={1: 1 + i % 2}) for i in range(4)]
    cohort = build_cohort(juniors, seniors, DEFAULT_WEIGHTS, NO_RULES)
    ones, none = np.ones(4, dtype=np.int64), np.zeros(4, dtype=bool)
    solve_candidates(
        cohort, DEFAULT_WEIGHTS, NO_RULES, ones, ones, none, none, per_row=1, per_column=1
    )
    return time.perf_counter() - started
