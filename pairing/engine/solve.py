"""solve(): the cohort's exact pairs, in memory bounded by the candidates kept (no Django).

1. Locked and fixed pairs take their capacity first (both count their people as covered).
2. Score every junior against every senior in blocks, keeping each open person's best
   candidates only (sparse.collect).
3. Solve the candidate graph exactly as a min-cost flow with tiers (flow.py): the most people
   covered, then the most pairs, then the highest total score.
4. Prove it on the whole cohort with the flow's dual prices (sparse.suspects, then
   sparse.violations re-scores only the blocks whose bounds do not settle it); pairs that break
   the proof join the candidates and the flow is solved again, until none does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from pairing.engine import flow, sparse
from pairing.engine.explain import check_weights, explain
from pairing.engine.score import ScoredCohort, build_cohort, score_bound
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
MAX_ROUNDS = 50  # proof rounds before every eligible pair of the suspects joins (a safety net)


def _noop(fraction: float, stage: str) -> None:
    return None


def solve_candidates(
    cohort: ScoredCohort,
    weights: Weights,
    rules: Rules,
    free_j: np.ndarray,
    free_s: np.ndarray,
    covered_j: np.ndarray,
    covered_s: np.ndarray,
    progress: Progress | None = None,
    per_row: int | None = None,
    per_column: int | None = None,
) -> tuple[list[tuple[int, int]], sparse.Candidates, int]:
    """Optimal (junior row, senior column) pairs for the free capacities, proven on every
    eligible pair; also the candidates (for the unmatched reasons) and the rounds it took."""
    progress = progress or _noop
    open_j, open_s = free_j > 0, free_s > 0
    candidates = sparse.collect(
        cohort,
        weights,
        rules,
        open_j,
        open_s,
        sparse.CANDIDATES_PER_ROW if per_row is None else per_row,
        sparse.CANDIDATES_PER_COLUMN if per_column is None else per_column,
        progress=lambda fraction: progress(0.7 * fraction, "scoring"),
    )
    progress(0.7, "solving")
    needs_cover = bool(
        (free_j > 1).any() or (free_s > 1).any() or (open_j & covered_j).any()
    ) or bool((open_s & covered_s).any())
    levels = flow.tiers(
        score_bound(cohort, weights), int(min(free_j.sum(), free_s.sum())), needs_cover
    )
    rounds = 0
    while True:
        rounds += 1
        answer = flow.solve_flow(
            candidates.rows,
            candidates.cols,
            candidates.scores,
            free_j,
            free_s,
            covered_j,
            covered_s,
            levels,
        )
        rows = sparse.suspects(candidates, answer.alpha, answer.beta, open_j, open_s)
        if not len(rows):
            break
        if rounds >= MAX_ROUNDS:  # pragma: no cover - a safety net: take every suspect pair
            sparse_near, sparse.NEAR = sparse.NEAR, np.inf
            try:
                found = sparse.violations(
                    cohort, weights, rules, rows, answer.alpha, answer.beta, open_j, open_s
                )
            finally:
                sparse.NEAR = sparse_near
            candidates.add(*found[:3])
            candidates.row_bound[rows] = -np.inf
            continue
        add_r, add_c, add_s, breaking = sparse.violations(
            cohort, weights, rules, rows, answer.alpha, answer.beta, open_j, open_s
        )
        if not breaking:
            break
        candidates.add(add_r, add_c, add_s)
        progress(min(0.95, 0.7 + 0.05 * rounds), "proving")
    pairs = sorted(
        zip(
            candidates.rows[answer.paired].tolist(),
            candidates.cols[answer.paired].tolist(),
            strict=True,
        )
    )
    return pairs, candidates, rounds


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
    pairs, candidates, _ = solve_candidates(
        cohort, weights, rules, free_j, free_s, used_j > 0, used_s > 0, progress
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
            juniors, "junior", used_j, candidates.junior_any, candidates.junior_chain
        ),
        unmatched_seniors=unmatched(
            seniors, "senior", used_s, candidates.senior_any, candidates.senior_chain
        ),
        total_score=sum(p.score for p in proposals),
        people_covered=int((used_j > 0).sum() + (used_s > 0).sum()),
    )
