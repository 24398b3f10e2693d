"""The proof that the candidates were enough, and the rounds that add pairs until it holds
(no Django).

After the candidates (sparse.py) are solved exactly, with dual prices alpha and beta: the
answer is optimal for the WHOLE cohort if every left-out eligible pair has
score <= alpha[j] + beta[s]. Pairs whose bounds already say so (min(row_bound[j],
column_bound[s]) <= alpha[j] + beta[s]) need no look: a sort finds the juniors for whom some
senior is not cleared that way (`suspects`), and only their rows are scored again, or read from
a compact score cache while it fits sparse.CACHE_BYTES (`violations`). Pairs that break the
proof join the candidates and the assignment is solved again, from where it stopped (warm.py):
`solve_candidates` runs those rounds.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from pairing.engine import assign, flow, pack, sparse
from pairing.engine.score import ScoredCohort, Side, score_block, score_bound
from pairing.engine.types import Rules, Weights

Progress = Callable[[float, str], None]
ADDED_PER_ROW = 32  # most pairs a junior adds per proof round
NEAR = 10.0  # pairs this close to breaking the proof join too (fewer rounds)
WARM = True  # the candidates' slot assignment restarts from the last round (warm.py)
MAX_ROUNDS = 50  # proof rounds before every eligible pair of the suspects joins (a safety net)


def _noop(fraction: float, stage: str) -> None:
    return None


def _violations_compiled(
    packed: pack.Packed,
    rows: np.ndarray,
    alpha: np.ndarray,
    beta: np.ndarray,
    open_j: np.ndarray,
    open_s: np.ndarray,
    cache: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """violations() by the compiled loop, two lanes of rows at once."""
    arrays = packed.arrays()
    # the scan reads only the rows it needs from a score cache, or scores them again
    target = cache if cache is not None else np.zeros((0, 0), dtype=np.uint8)
    alpha = np.ascontiguousarray(alpha, dtype=np.float64)
    beta = np.ascontiguousarray(beta, dtype=np.float64)
    open_j = np.ascontiguousarray(open_j, dtype=np.bool_)
    open_s = np.ascontiguousarray(open_s, dtype=np.bool_)
    k = ADDED_PER_ROW
    out_cols = np.zeros((len(rows), k), dtype=np.int64)
    out_scores = np.zeros((len(rows), k), dtype=np.int64)
    out_slack = np.zeros((len(rows), k), dtype=np.float64)
    out_kept = np.zeros(len(rows), dtype=np.int64)
    near = float(NEAR)

    def work(i0: int, i1: int) -> int:
        return int(
            sparse.compiled().scan_rows(
                rows[i0:i1],
                arrays,
                open_j,
                open_s,
                target,
                alpha,
                beta,
                near,
                out_cols[i0:i1],
                out_scores[i0:i1],
                out_slack[i0:i1],
                out_kept[i0:i1],
            )
        )

    half = (len(rows) + 1) // 2
    if len(rows) * len(open_s) < sparse.COMPILED_CHUNK_CELLS:
        breaking = work(0, len(rows))
    else:
        with ThreadPoolExecutor(max_workers=sparse.LANES) as pool:
            breaking = sum(pool.map(lambda span: work(*span), [(0, half), (half, len(rows))]))
    kept = np.arange(k)[None, :] < out_kept[:, None]
    found_rows = np.broadcast_to(rows[:, None], kept.shape)[kept]
    return found_rows.astype(np.int64), out_cols[kept], out_scores[kept], breaking


def suspects(
    candidates: sparse.Candidates,
    alpha: np.ndarray,
    beta: np.ndarray,
    open_j: np.ndarray,
    open_s: np.ndarray,
) -> np.ndarray:
    """Juniors with some senior s for which the bounds do not clear every left-out pair:
    row_bound[j] > alpha[j] + beta[s] and column_bound[s] > alpha[j] + beta[s]. O(n log n)."""
    columns = np.flatnonzero(open_s)
    rows = np.flatnonzero(open_j & np.isfinite(candidates.row_bound))
    if not len(columns) or not len(rows):
        return np.zeros(0, dtype=np.int64)
    order = np.argsort(beta[columns], kind="stable")
    sorted_beta = beta[columns][order]
    reach = (candidates.column_bound[columns] - beta[columns])[order]
    best_reach = np.maximum.accumulate(reach)  # over the seniors with the smallest beta
    # senior s is not cleared by the row bound when beta[s] < row_bound[j] - alpha[j]
    upto = np.searchsorted(sorted_beta, candidates.row_bound[rows] - alpha[rows], side="left")
    hit = upto > 0
    hit[hit] = best_reach[upto[hit] - 1] > alpha[rows][hit]
    return rows[hit]


def score_rows(
    cohort: ScoredCohort, weights: Weights, rules: Rules, rows: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Scores (float32) and eligibility of the juniors `rows` (sorted) against every senior:
    score_block on a cohort of those juniors only, so the cost follows the rows asked for, not
    the blocks they sit in."""
    rows = np.asarray(rows, dtype=np.int64)
    side = cohort.juniors
    sub_side = Side(
        people=[side.people[r] for r in rows.tolist()],
        ids=side.ids[rows],
        teach=side.teach[rows],
        learn=side.learn[rows],
        department=side.department[rows],
        location=side.location[rows],
        grade=side.grade[rows],
        utc_offset=side.utc_offset[rows],
    )
    changes: dict = {"juniors": sub_side, "packed": None}
    names = [f.name for f in dataclasses.fields(cohort)]
    # Every (row, column, ...) list of the cohort (forbidden, chain, bonus pairs): keep the
    # entries of these rows, renumbered.
    for name in names:
        if not name.endswith("_rows"):
            continue
        prefix = name[: -len("rows")]
        listed = getattr(cohort, name)
        at = np.searchsorted(rows, listed)
        keep = at < len(rows)
        keep[keep] = rows[at[keep]] == listed[keep]
        changes[name] = at[keep]
        for other in names:
            if other.startswith(prefix) and other != name:
                changes[other] = getattr(cohort, other)[keep]
    if cohort.junior_profile is not None:
        changes["junior_profile"] = cohort.junior_profile[rows]
    sub = dataclasses.replace(cohort, **changes)
    block = score_block(sub, weights, rules, 0, len(rows))
    return block.score, block.eligible


def violations(
    cohort: ScoredCohort,
    weights: Weights,
    rules: Rules,
    rows: np.ndarray,
    alpha: np.ndarray,
    beta: np.ndarray,
    open_j: np.ndarray,
    open_s: np.ndarray,
    cached: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Score the juniors `rows` again: the pairs with score > alpha + beta - NEAR (at most
    ADDED_PER_ROW per junior), and how many pairs break the proof (score > alpha + beta)."""
    m = len(cohort.seniors.ids)
    rows = np.unique(np.asarray(rows, dtype=np.int64))
    packed = pack.pack(cohort, weights, rules)
    if packed is not None:
        return _violations_compiled(packed, rows, alpha, beta, open_j, open_s, cached)
    cache = cached
    step = max(16, sparse.BLOCK_CELLS // max(m, 1))
    spans = [(i, min(len(rows), i + step)) for i in range(0, len(rows), step)]

    # Prices are integers: with them and the cached scores in int32, the scan is exact and
    # touches 4 bytes per pair (float64 would move twice as much).
    small = cache is not None and bool(
        np.isfinite(alpha).all()
        and np.isfinite(beta).all()
        and max(np.abs(alpha).max(initial=0), np.abs(beta).max(initial=0)) < 2**29
    )
    near_line = -NEAR
    small = small and bool(np.isfinite(near_line))
    price_type: type = np.int32
    if small and len(rows):
        # Prices only count as sums alpha + beta: moved by one constant they fit int16 (half
        # the bytes to scan) whenever their spread is small, as it is at an optimum.
        shift = int(np.floor(np.median(alpha[rows])))
        row_price = alpha + 1 - shift
        col_price = beta + shift
        if max(np.abs(row_price[rows]).max(), np.abs(col_price).max(initial=0)) < 10_000:
            price_type = np.int16
        row_price = row_price.astype(price_type)
        col_price = col_price.astype(price_type)[None, :]
        near_line = int(near_line)

    def work(i0: int, i1: int):
        picked_rows = rows[i0:i1]
        if small:
            assert cache is not None  # "small" scans read the cached scores
            stored = cache[picked_rows]
            usable = stored > 0
            slack = stored.astype(price_type)
            slack -= row_price[picked_rows][:, None]
            slack -= col_price
            near = slack > near_line
            near &= usable
            breaking = int(np.count_nonzero(near & (slack > 0)))
        else:
            if cache is not None:
                stored = cache[picked_rows]
                usable = stored > 0
                computed = stored.astype(np.float64) - 1
            else:
                computed, usable = score_rows(cohort, weights, rules, picked_rows)
                usable &= open_s[None, :]
                usable &= open_j[picked_rows, None]
            slack = computed - alpha[picked_rows, None]  # float64, exact integers
            slack -= beta[None, :]
            near = slack > near_line
            near &= usable
            breaking = int(np.count_nonzero(near & (slack > 0)))
        r, c = np.nonzero(near)
        found = slack[r, c]
        # Each junior's few worst breakers join (the rest, if any, in the next round): with
        # everyone eligible, thousands of pairs per junior can sit near the line.
        if len(r) > ADDED_PER_ROW:
            order = np.lexsort((-found, r))
            r, c, found = r[order], c[order], found[order]
            start = np.searchsorted(r, r, side="left")
            keep = np.arange(len(r)) - start < ADDED_PER_ROW
            r, c, found = r[keep], c[keep], found[keep]
        score = found.astype(np.int64) + (alpha[picked_rows[r]] + beta[c]).astype(np.int64)
        return picked_rows[r], c, score, breaking

    found = list(sparse._in_order(work, spans))
    if not found:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty, 0
    return (
        np.concatenate([f[0] for f in found]).astype(np.int64),
        np.concatenate([f[1] for f in found]).astype(np.int64),
        np.concatenate([f[2] for f in found]).astype(np.int64),
        sum(f[3] for f in found),
    )


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
        rows = suspects(candidates, answer.alpha, answer.beta, open_j, open_s)
        if not len(rows):
            break
        if rounds >= MAX_ROUNDS:  # pragma: no cover - a safety net: take every suspect pair
            global NEAR
            near, NEAR = NEAR, np.inf
            try:
                found = violations(
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
                NEAR = near
            candidates.add(*found[:3])
            candidates.row_bound[rows] = -np.inf
            continue
        add_r, add_c, add_s, breaking = violations(
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
