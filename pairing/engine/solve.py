"""solve(): the cohort's exact pairs, in memory bounded by the candidates kept (no Django).

1. Locked and fixed pairs take their capacity first (both count their people as covered).
2. The objective (the most people covered, then the most pairs, then the highest total score)
   is an ordinary assignment of capacity slots with tiered weights (assign.py).
3. Small cohorts (fewer than SPARSE_MIN_CELLS slot cells): the whole slot matrix, solved by
   lapjv when square (its dual prices checked) or scipy when rectangular.
4. Bigger ones: score every junior against every senior in blocks, keeping each open person's
   best candidates only (sparse.collect, compiled in kernels.py); solve those slots exactly
   (warm.py, restarting from the last round; assign.solve_slots as the fallback) and
   prove the answer on the whole cohort with the dual prices (sparse.suspects, then
   sparse.violations re-scores only the juniors whose bounds do not settle it); pairs that
   break the proof join the candidates and the assignment is solved again, until none does.
5. When an assignment pairs the same two people twice (both take several partners), the
   tiered min-cost flow (flow.py) solves the candidates instead, with the same proof.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from lapjv import lapjv
from scipy.optimize import linear_sum_assignment

from pairing.engine import assign, flow, sparse
from pairing.engine.explain import check_weights, explain
from pairing.engine.score import ScoredCohort, build_cohort, score_block, score_bound
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
WARM = True  # the candidates' slot assignment restarts from the last round (warm.py)
MAX_ROUNDS = 50  # proof rounds before every eligible pair of the suspects joins (a safety net)
FLOAT32_EXACT = 2**24  # integers up to here are exact in float32 (and in lapjv's arithmetic)
# From this many slot cells up, solve on candidates and prove with dual prices (bounded memory).
SPARSE_MIN_CELLS = 16_000_000
DENSE_BLOCK_CELLS = 4_000_000  # person cells scored at once when filling the slot matrix
# lapjv is the fastest on square matrices, but padding a rectangle to a square slows it sharply
# (measured: 3971 x 3011 6.1 s, scipy 0.4 s).
PADDING_SHARE = 0.02
# Without lapjv (a rectangle), scipy's dense solve is slower than the candidates and their proof
# from this size up (measured: 1,000 x 1,200 slots 0.15 s dense, 0.05 s on candidates).
RECTANGLE_SPARSE_MIN_CELLS = 250_000


class _Duplicated(Exception):
    """The assignment paired two people twice: the flow has to solve it."""


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
    method: str = "auto",
) -> tuple[list[tuple[int, int]], sparse.Candidates, int]:
    """Optimal (junior row, senior column) pairs for the free capacities, proven on every
    eligible pair; also the candidates (for the unmatched reasons) and the rounds it took.

    method "auto": the slot assignment (assign.py), and the flow only if that pairs two people
    twice; "flow": the flow from the start."""
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
    max_score = score_bound(cohort, weights)
    cover = assign.needs_cover(free_j, free_s, covered_j, covered_s)
    slot_tiers = assign.tiers(max_score, int(free_j.sum()), int(free_s.sum()), cover)
    flow_tiers = flow.tiers(max_score, int(min(free_j.sum(), free_s.sum())), cover)
    # Only two people who both have two free places or more can be paired twice.
    may_repeat = bool((free_j > 1).any() and (free_s > 1).any())

    capacities = (free_j, free_s, covered_j, covered_s)
    # the slot assignment, kept from round to round: a round re-solves only what its new
    # pairs change
    slots = None
    if WARM:  # numba's compiled code, imported here: see sparse.compiled()
        from pairing.engine import warm  # noqa: PLC0415

        slots = warm.WarmSlots(*capacities, slot_tiers)

    def answer_for(candidates: sparse.Candidates):
        nonlocal method
        args = (candidates.rows, candidates.cols, candidates.scores)
        if method == "auto":
            found = slots.solve(*args) if slots is not None else None
            if found is None:
                found = assign.solve_slots(*args, *capacities, slot_tiers)
            if found is not None and not (may_repeat and found.duplicated):
                return found
            method = "flow"  # from here on: the slots cannot be exact on these candidates
        return flow.solve_flow(*args, *capacities, flow_tiers)

    rounds = 0
    while True:
        rounds += 1
        answer = answer_for(candidates)
        rows = sparse.suspects(candidates, answer.alpha, answer.beta, open_j, open_s)
        if not len(rows):
            break
        if rounds >= MAX_ROUNDS:  # pragma: no cover - a safety net: take every suspect pair
            sparse_near, sparse.NEAR = sparse.NEAR, np.inf
            try:
                found = sparse.violations(
                    cohort,
                    weights,
                    rules,
                    rows,
                    answer.alpha,
                    answer.beta,
                    open_j,
                    open_s,
                    candidates.cache,
                )
            finally:
                sparse.NEAR = sparse_near
            candidates.add(*found[:3])
            candidates.row_bound[rows] = -np.inf
            continue
        add_r, add_c, add_s, breaking = sparse.violations(
            cohort,
            weights,
            rules,
            rows,
            answer.alpha,
            answer.beta,
            open_j,
            open_s,
            candidates.cache,
        )
        if not breaking:
            break
        candidates.add(add_r, add_c, add_s)
        progress(min(0.95, 0.7 + 0.05 * rounds), "proving")
    candidates.cache = None  # free it before the explanations
    pairs = sorted(
        zip(
            candidates.rows[answer.paired].tolist(),
            candidates.cols[answer.paired].tolist(),
            strict=True,
        )
    )
    return pairs, candidates, rounds


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
    answer: DenseAnswer | sparse.Candidates | None = None
    rows, cols = int(free_j.sum()), int(free_s.sum())
    square = max(rows, cols) - min(rows, cols) <= PADDING_SHARE * max(rows, cols)
    limit = SPARSE_MIN_CELLS if square else min(SPARSE_MIN_CELLS, RECTANGLE_SPARSE_MIN_CELLS)
    if rows * cols < limit:
        try:
            answer = solve_dense(
                cohort, weights, rules, free_j, free_s, covered_j, covered_s, progress
            )
            pairs = answer.pairs
        except _Duplicated:
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
