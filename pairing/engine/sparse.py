"""Each person's best candidates, scored in blocks (no Django).

Memory is bounded by the candidates kept, never by the pair matrix: juniors are scored against
every senior a block of rows at a time (BLOCK_CELLS cells), and only each junior's
`per_row` best eligible seniors and each senior's `per_column` best eligible juniors stay.
Every left-out eligible pair of a junior scores at most `row_bound` (the worst score kept for
them), and likewise `column_bound` for a senior: no pair matrix needed for that. proof.py uses
those bounds to prove that the candidates were enough.

Both passes run as compiled loops (kernels.py, on the cohort as pack.py packs it) whenever the
cohort fits them, else in numpy; the same numbers either way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from pairing.engine import pack
from pairing.engine.score import ScoredCohort, score_block, score_bound
from pairing.engine.types import Rules, Weights

CANDIDATES_PER_ROW = 24
CANDIDATES_PER_COLUMN = 16
BLOCK_CELLS = 2_000_000  # cells scored at once (8 MB of float32 per array)
# The proof reads the scores from a compact copy (one byte per pair while scores stay below
# 255) up to this size (10k x 10k); beyond it, it scores suspect juniors again: memory stays
# bounded by this constant plus the candidates, whatever the cohort's size. (20k x 20k: 5% more
# CPU without the copy, half the memory.)
CACHE_BYTES = 128_000_000


@dataclass
class Candidates:
    rows: np.ndarray  # junior row per candidate pair (int64), sorted by (row, col)
    cols: np.ndarray
    scores: np.ndarray  # int64
    row_bound: np.ndarray  # float64 per junior: left-out eligible pairs score at most this
    column_bound: np.ndarray  # per senior (-inf: every eligible pair is a candidate)
    junior_any: np.ndarray  # bool per junior: some eligible senior at all
    junior_chain: np.ndarray  # bool: eligible seniors, were it not for a reporting line
    senior_any: np.ndarray
    senior_chain: np.ndarray
    # every usable pair's score + 1 (0: not usable), when it fits in CACHE_BYTES: the proof
    # then reads scores instead of computing them again
    cache: np.ndarray | None = None

    def add(self, rows: np.ndarray, cols: np.ndarray, scores: np.ndarray) -> int:
        """Merge new pairs in; returns how many were new."""
        m = max(len(self.column_bound), 1)
        before = len(self.rows)
        code = np.concatenate([self.rows * m + self.cols, rows.astype(np.int64) * m + cols])
        score = np.concatenate([self.scores, scores.astype(np.int64)])
        code, first = np.unique(code, return_index=True)
        self.rows, self.cols, self.scores = code // m, code % m, score[first]
        return len(self.rows) - before


def compiled():
    """kernels.py, imported on first use: numba takes ~0.7 s and ~110 MB to import, which the
    web processes (they explain pairs, never solve big cohorts) should not pay."""
    from pairing.engine import kernels  # noqa: PLC0415 - heavy, and only for big cohorts

    return kernels


def _spans(n_rows: int, n_cols: int) -> list[tuple[int, int]]:
    step = max(16, BLOCK_CELLS // max(n_cols, 1))
    return [(r0, min(n_rows, r0 + step)) for r0 in range(0, n_rows, step)]


def _in_order(work: Callable[[int, int], tuple], spans: list[tuple[int, int]]) -> Iterator[tuple]:
    """work(span) for each span, two at a time (numpy lets go of the GIL on big arrays), in
    order, never more than two blocks alive: memory stays bounded however many spans."""
    with ThreadPoolExecutor(max_workers=2 if len(spans) > 2 else 1) as pool:
        pending: list[Future] = []
        for span in spans:
            pending.append(pool.submit(work, *span))
            if len(pending) == 2:
                yield pending.pop(0).result()
        for future in pending:
            yield future.result()


def _top(values: np.ndarray, k: int) -> np.ndarray:
    """Column indices of each row's k largest values (any order)."""
    width = values.shape[1]
    if k <= 0:
        return np.zeros((values.shape[0], 0), dtype=np.intp)
    if k >= width:
        return np.broadcast_to(np.arange(width), values.shape).copy()
    return np.argpartition(values, width - k, axis=1)[:, width - k :]


def _least(values: np.ndarray) -> np.ndarray:
    """Each row's smallest value as float64; +inf for rows of no values (nothing is known)."""
    if not values.shape[1]:
        return np.full(values.shape[0], np.inf)
    return values.min(axis=1).astype(np.float64)


def _open_scores(
    cohort: ScoredCohort,
    weights: Weights,
    rules: Rules,
    r0: int,
    r1: int,
    open_j: np.ndarray,
    open_s: np.ndarray,
    dtype: type = np.float32,
):
    """Scores of juniors r0..r1 against every senior, -1 where the pair is not usable (scores
    are never negative). int16 when the scores fit: numpy partitions it several times faster
    than float32."""
    block = score_block(cohort, weights, rules, r0, r1)
    stats = (
        block.eligible.any(axis=1),
        block.eligible_but_chain.any(axis=1),
        block.eligible.any(axis=0),
        block.eligible_but_chain.any(axis=0),
    )
    usable = block.eligible
    usable &= open_s[None, :]
    usable &= open_j[r0:r1, None]
    score: np.ndarray = block.score.astype(dtype, copy=False)
    np.copyto(score, dtype(-1), where=~usable)
    return score, usable, stats


def score_dtype(cohort: ScoredCohort, weights: Weights) -> type:
    return np.int16 if score_bound(cohort, weights) < 30_000 else np.float32


def collect(
    cohort: ScoredCohort,
    weights: Weights,
    rules: Rules,
    open_j: np.ndarray,
    open_s: np.ndarray,
    per_row: int = CANDIDATES_PER_ROW,
    per_column: int = CANDIDATES_PER_COLUMN,
    progress: Callable[[float], None] | None = None,
) -> Candidates:
    """Score every junior against every senior in blocks; keep the best candidates of each
    open person (people with free capacity)."""
    n, m = len(cohort.juniors.ids), len(cohort.seniors.ids)
    junior_any = np.zeros(n, dtype=bool)
    junior_chain = np.zeros(n, dtype=bool)
    senior_any = np.zeros(m, dtype=bool)
    senior_chain = np.zeros(m, dtype=bool)
    row_bound = np.full(n, -np.inf)
    k_row, k_col = min(per_row, m), min(per_column, n)
    dtype = score_dtype(cohort, weights)
    best_score: np.ndarray = np.full((m, k_col), -1, dtype=dtype)  # each senior's best so far
    best_row = np.zeros((m, k_col), dtype=np.int64)
    column_count = np.zeros(m, dtype=np.int64)
    found_rows, found_cols, found_scores = [], [], []
    bound = score_bound(cohort, weights)
    cache_type = np.uint8 if bound < 255 else np.uint16 if bound < 65_535 else None
    cache = None
    if cache_type is not None and n * m * np.dtype(cache_type).itemsize <= CACHE_BYTES:
        cache = np.empty((n, m), dtype=cache_type)
    packed = pack.pack(cohort, weights, rules)
    if packed is not None:
        return _collect_compiled(packed, open_j, open_s, k_row, k_col, cache, progress)

    def work(r0: int, r1: int):
        score, usable, stats = _open_scores(cohort, weights, rules, r0, r1, open_j, open_s, dtype)
        if cache is not None:  # -1 (not usable) becomes 0
            np.add(score, 1, out=cache[r0:r1], casting="unsafe")
        count = usable.sum(axis=1)
        top = _top(score, k_row)
        top_score = np.take_along_axis(score, top, axis=1)
        bound = np.where(count > k_row, _least(top_score), -np.inf)
        keep = top_score >= 0
        rows = np.broadcast_to(np.arange(r0, r1)[:, None], top.shape)[keep]
        # each senior's best in this block, on a contiguous transposed copy (fast partitions)
        by_column = np.ascontiguousarray(score.T)
        del score
        col_top = _top(by_column, min(k_col, r1 - r0))
        col_score = np.take_along_axis(by_column, col_top, axis=1)
        return (
            r0,
            r1,
            usable.sum(axis=0),
            stats,
            bound,
            rows,
            top[keep],
            top_score[keep],
            col_top + r0,
            col_score,
        )

    spans = _spans(n, m)
    for r0, r1, col_count, stats, bound, rows, cols, scores, col_top, col_score in _in_order(
        work, spans
    ):
        junior_any[r0:r1], junior_chain[r0:r1] = stats[0], stats[1]
        senior_any |= stats[2]
        senior_chain |= stats[3]
        row_bound[r0:r1] = bound
        found_rows.append(rows)
        found_cols.append(cols)
        found_scores.append(scores)
        column_count += col_count
        if k_col:  # merge this block's best into each senior's best k_col (m x small)
            stacked = np.concatenate([best_score, col_score], axis=1)
            stacked_row = np.concatenate([best_row, col_top], axis=1)
            top = _top(stacked, k_col)
            best_score = np.take_along_axis(stacked, top, axis=1)
            best_row = np.take_along_axis(stacked_row, top, axis=1)
        if progress:
            progress(r1 / max(n, 1))
    return _assemble(
        np.concatenate(found_rows) if found_rows else np.zeros(0, dtype=np.int64),
        np.concatenate(found_cols) if found_cols else np.zeros(0, dtype=np.int64),
        np.concatenate(found_scores) if found_scores else np.zeros(0, dtype=np.int64),
        best_score,
        best_row,
        column_count,
        row_bound,
        (junior_any, junior_chain, senior_any, senior_chain),
        cache,
    )


def _assemble(
    rows: np.ndarray,
    cols: np.ndarray,
    scores: np.ndarray,
    best_score: np.ndarray,
    best_row: np.ndarray,
    column_count: np.ndarray,
    row_bound: np.ndarray,
    flags: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    cache: np.ndarray | None,
) -> Candidates:
    """The candidates: the juniors' picks (rows, cols, scores) plus each senior's best juniors
    (best_score/best_row, -1: none); a senior's left-out pairs score at most the least of its
    best when it had more usable pairs than it kept. `flags`: junior_any, junior_chain,
    senior_any, senior_chain."""
    m, k_col = best_score.shape
    column_bound = np.where(column_count > k_col, _least(best_score), -np.inf)
    keep = best_score >= 0
    empty = np.zeros(0, dtype=np.int64)
    candidates = Candidates(empty, empty, empty, row_bound, column_bound, *flags, cache)
    candidates.add(
        np.concatenate([rows, best_row[keep]]).astype(np.int64),
        np.concatenate([cols, np.broadcast_to(np.arange(m)[:, None], best_score.shape)[keep]]),
        np.concatenate([scores, best_score[keep]]).astype(np.int64),
    )
    return candidates


COMPILED_CHUNK_CELLS = 8_000_000  # cells per call of the compiled loop (progress steps)
LANES = 1  # threads, each with its own running best per senior (merged at the end). One: two
# threads on the two hyperthreads of one core took ~25% more CPU in all for ~15% less wall time


def _collect_compiled(
    packed: pack.Packed,
    open_j: np.ndarray,
    open_s: np.ndarray,
    k_row: int,
    k_col: int,
    cache: np.ndarray | None,
    progress: Callable[[float], None] | None,
) -> Candidates:
    """collect() by the compiled loop: two lanes of juniors at once, each lane keeping its own
    best juniors per senior; the lanes' bests are merged as collect() merges blocks."""
    n, m = len(open_j), len(open_s)
    open_j = np.ascontiguousarray(open_j, dtype=np.bool_)
    open_s = np.ascontiguousarray(open_s, dtype=np.bool_)
    row_cols = np.zeros((n, k_row), dtype=np.int64)
    row_scores = np.zeros((n, k_row), dtype=np.int64)
    row_kept = np.zeros(n, dtype=np.int64)
    row_usable = np.zeros(n, dtype=np.int64)
    junior_any = np.zeros(n, dtype=np.bool_)
    junior_chain = np.zeros(n, dtype=np.bool_)
    lanes = [
        {
            "col_scores": np.full((m, k_col), -1, dtype=np.int64),
            "col_rows": np.zeros((m, k_col), dtype=np.int64),
            "col_kept": np.zeros(m, dtype=np.int64),
            "col_usable": np.zeros(m, dtype=np.int64),
            "senior_any": np.zeros(m, dtype=np.bool_),
            "senior_chain": np.zeros(m, dtype=np.bool_),
        }
        for _ in range(LANES)
    ]
    target = cache if cache is not None else np.zeros((0, 0), dtype=np.uint8)
    arrays = packed.arrays()

    def work(lane: dict, r0: int, r1: int) -> None:
        compiled().collect_rows(
            r0,
            r1,
            arrays,
            open_j,
            open_s,
            target,
            row_cols[r0:r1],
            row_scores[r0:r1],
            row_kept[r0:r1],
            row_usable[r0:r1],
            junior_any[r0:r1],
            junior_chain[r0:r1],
            lane["col_scores"],
            lane["col_rows"],
            lane["col_kept"],
            lane["col_usable"],
            lane["senior_any"],
            lane["senior_chain"],
        )

    step = max(1, min(n, COMPILED_CHUNK_CELLS // max(m, 1)))
    spans = [(r0, min(n, r0 + step)) for r0 in range(0, n, step)]
    with ThreadPoolExecutor(max_workers=LANES) as pool:
        for at in range(0, len(spans), LANES):
            batch = spans[at : at + LANES]
            # lane i always takes the i-th span of a batch: the same answer on every run
            for future in [pool.submit(work, lanes[i], *span) for i, span in enumerate(batch)]:
                future.result()
            if progress:
                progress(batch[-1][1] / max(n, 1))
    kept = np.arange(k_row)[None, :] < row_kept[:, None]
    full = row_usable > k_row
    least = np.where(kept, row_scores, np.iinfo(np.int64).max).min(axis=1, initial=2**62)
    row_bound = np.where(full, least.astype(np.float64), -np.inf)
    rows = np.broadcast_to(np.arange(n)[:, None], kept.shape)[kept]
    cols, scores = row_cols[kept], row_scores[kept]
    stacked = np.concatenate([lane["col_scores"] for lane in lanes], axis=1)
    stacked_row = np.concatenate([lane["col_rows"] for lane in lanes], axis=1)
    top = _top(stacked, k_col)
    best_score = np.take_along_axis(stacked, top, axis=1)
    best_row = np.take_along_axis(stacked_row, top, axis=1)
    column_count = np.add.reduce([lane["col_usable"] for lane in lanes])
    senior_any = np.logical_or.reduce([lane["senior_any"] for lane in lanes])
    senior_chain = np.logical_or.reduce([lane["senior_chain"] for lane in lanes])
    return _assemble(
        rows,
        cols,
        scores,
        best_score,
        best_row,
        column_count,
        row_bound,
        (junior_any, junior_chain, senior_any, senior_chain),
        cache,
    )
