"""Compiled loops (numba) for the candidates and their proof on big cohorts (no Django).

score.score_block works a block of juniors in numpy: a dozen passes over the block's cells, then
sparse.py partitions it twice more to keep each person's best. Here each junior's scores against
every senior are worked out once, in one pass, and reduced on the spot: the junior's best
`k_row` seniors, each senior's best `k_col` juniors so far (a running minimum per senior, so a
cell costs one comparison unless it beats it), the counts behind the unmatched reasons, and the
compact score cache the proof reads. Nothing of the size of the pair matrix is made but that
cache (sparse.CACHE_BYTES caps it).

The loops read the cohort as pack.py packs it, as one tuple (`Packed.arrays()`). The same scores
as score_block, in integers: tests compare the two on random cohorts with every rule. When
pack.pack returns None (too many distinct profiles for the small extras table, or non-integer
points), sparse.py and proof.py use numpy.

The loops release the GIL (`nogil`): sparse.py and proof.py run two blocks of juniors at once
on two threads, as they do with numpy. Compiled once per machine (`cache=True` keeps the machine
code beside this file, or in the user's cache directory when that is read-only).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numba as nb
import numpy as np

# compiled to machine code once (cached on disk), releasing the GIL while it runs
_jit: Callable[[Callable[..., Any]], Any] = nb.njit(nogil=True, cache=True, boundscheck=False)


@_jit
def _score_row(j, packed, reverse, forward, score):
    """Junior j's score against every senior into `score`, -1 where the pair is not eligible
    (reporting lines, exclusions and rules applied; capacity not). `packed`: Packed.arrays()."""
    (
        teach_ptr,
        teach_skill,
        teach_level,
        learn_ptr,
        learn_skill,
        learn_level,
        senior_learn,
        senior_teach,
        weights,
        extras,
        junior_profile,
        senior_profile,
        forbidden_ptr,
        forbidden_cols,
        _chain_ptr,
        _chain_cols,
        bonus_ptr,
        bonus_cols,
        bonus_points,
    ) = packed
    m = score.shape[0]
    reverse[:] = 0
    for p in range(teach_ptr[j], teach_ptr[j + 1]):
        level = np.int32(teach_level[p])
        wants = senior_learn[teach_skill[p]]
        for s in range(m):
            reverse[s] += level * wants[s]
    forward_on = weights[4] != 0
    if forward_on:
        forward[:] = 0
        for p in range(learn_ptr[j], learn_ptr[j + 1]):
            level = np.int32(learn_level[p])
            offers = senior_teach[learn_skill[p]]
            for s in range(m):
                forward[s] += level * offers[s]
    w_reverse, w_forward, w_bonus = weights[0], weights[1], weights[2]
    extras_on = weights[3] != 0
    profile_row = extras[junior_profile[j]]
    # branch-free, so the compiler can use vector instructions: -1 marks "not eligible"
    spread = extras_on and weights[5] != 0
    if spread and forward_on:  # the profile row lists every senior in order
        for s in range(m):
            extra = profile_row[s]
            f = forward[s]
            value = w_reverse * reverse[s] + w_forward * f + (f > 0) * w_bonus + extra
            score[s] = value if (reverse[s] > 0) & (extra >= 0) else -1
    elif extras_on and forward_on:
        for s in range(m):
            extra = profile_row[senior_profile[s]]
            f = forward[s]
            value = w_reverse * reverse[s] + w_forward * f + (f > 0) * w_bonus + extra
            score[s] = value if (reverse[s] > 0) & (extra >= 0) else -1
    else:
        for s in range(m):
            value = w_reverse * reverse[s]
            ok = reverse[s] > 0
            if forward_on:
                f = forward[s]
                value += w_forward * f + (f > 0) * w_bonus
            if extras_on:
                extra = profile_row[senior_profile[s]]
                ok = ok & (extra >= 0)
                value += extra
            score[s] = value if ok else -1
    for p in range(bonus_ptr[j], bonus_ptr[j + 1]):
        if score[bonus_cols[p]] >= 0:
            score[bonus_cols[p]] += bonus_points[p]
    for p in range(forbidden_ptr[j], forbidden_ptr[j + 1]):
        score[forbidden_cols[p]] = -1


@_jit
def _chain_eligible(j, s, reverse, packed):
    """Would junior j and senior s be eligible were it not for the reporting line?"""
    if reverse[s] <= 0:
        return False
    weights, extras, junior_profile, senior_profile = packed[8:12]
    if weights[3] != 0 and extras[junior_profile[j], senior_profile[s]] < 0:
        return False
    return True


@_jit
def _smallest(values, count):
    at = 0
    for i in range(1, count):
        if values[i] < values[at]:
            at = i
    return at


@_jit
def _offer(keys, first, second, kept, at, key, a, b):
    """Put a candidate (``key``, and its values ``a`` and ``b``) in a best-k list held in
    ``keys``/``first``/``second`` (k = ``keys.shape[0]``; ``kept`` held so far; ``at``: where
    its smallest key is once full): appended while there is room, else in place of the
    smallest. The caller has checked that it clears the list's bar. Returns the new count and
    where the smallest key now is (meaningful once the list is full)."""
    if kept < keys.shape[0]:
        at = kept
        kept += 1
    keys[at] = key
    first[at] = a
    second[at] = b
    if kept == keys.shape[0]:
        at = _smallest(keys, kept)
    return kept, at


@_jit
def collect_rows(
    r0,
    r1,
    packed,
    open_j,
    open_s,
    cache,
    row_cols,
    row_scores,
    row_kept,
    row_usable,
    junior_any,
    junior_chain,
    col_scores,
    col_rows,
    col_kept,
    col_usable,
    senior_any,
    senior_chain,
):
    """Juniors r0..r1: each one's best usable seniors (row_*, indexed from r0), each senior's
    best usable juniors among these rows (col_*: this call's own), usable counts, the
    eligibility flags, and the cache (score + 1, 0 where not usable) when it has rows."""
    chain_ptr, chain_cols = packed[14:16]
    m = open_s.shape[0]
    k_row = row_cols.shape[1]
    k_col = col_scores.shape[1]
    with_cache = cache.shape[0] > 0
    never = np.iinfo(np.int64).max
    reverse = np.zeros(m, dtype=np.int32)
    forward = np.zeros(m, dtype=np.int32)
    score = np.zeros(m, dtype=np.int32)
    # Each senior's bar: a usable pair joins its best only above it (-1 while the list has
    # room, its smallest kept score when full, never when it keeps none). Most cells clear
    # neither bar, so the loop that keeps the best rarely leaves its one comparison.
    col_least = np.full(m, -1 if k_col > 0 else never, dtype=np.int64)
    col_at = np.zeros(m, dtype=np.int64)
    if k_col > 0:
        for s in range(m):  # the lane's earlier calls may have filled some seniors' lists
            if col_kept[s] == k_col:
                col_at[s] = _smallest(col_scores[s], k_col)
                col_least[s] = col_scores[s, col_at[s]]
    for j in range(r0, r1):
        i = j - r0
        _score_row(j, packed, reverse, forward, score)
        for p in range(chain_ptr[j], chain_ptr[j + 1]):
            s = chain_cols[p]
            if _chain_eligible(j, s, reverse, packed):
                junior_chain[i] = True
                senior_chain[s] = True
        is_open = open_j[j]
        any_eligible = False
        usable_count = 0
        # one branch-free pass: flags, counts, the cache; `score` keeps usable pairs only
        for s in range(m):
            value = score[s]
            eligible = value >= 0
            any_eligible |= eligible
            senior_any[s] |= eligible
            usable = eligible & is_open & open_s[s]
            usable_count += usable
            col_usable[s] += usable
            score[s] = value if usable else -1
        if with_cache:
            row = cache[j]
            for s in range(m):
                row[s] = score[s] + 1
        junior_any[i] = any_eligible
        row_usable[i] = usable_count
        kept = 0
        least = np.int64(-1) if k_row > 0 else never  # this junior's bar, as each senior's
        least_at = 0
        if usable_count == 0:
            row_kept[i] = 0
            continue
        for s in range(m):
            value = np.int64(score[s])
            if value <= least and value <= col_least[s]:
                continue
            if value > least:  # this junior's best k_row
                kept, least_at = _offer(
                    row_scores[i], row_cols[i], row_cols[i], kept, least_at, value, s, s
                )
                if kept == k_row:
                    least = row_scores[i, least_at]
            if value > col_least[s]:  # this senior's best k_col among these rows
                col_kept[s], col_at[s] = _offer(
                    col_scores[s], col_rows[s], col_rows[s], col_kept[s], col_at[s], value, j, j
                )
                if col_kept[s] == k_col:
                    col_least[s] = col_scores[s, col_at[s]]
        row_kept[i] = kept


@_jit
def scan_rows(
    rows,
    packed,
    open_j,
    open_s,
    cache,
    alpha,
    beta,
    near,
    out_cols,
    out_scores,
    out_slack,
    out_kept,
):
    """The proof's scan of juniors `rows`: per junior, the (at most out_cols.shape[1]) usable
    pairs with the largest slack = score - alpha[j] - beta[s] among those above -near; returns
    how many usable pairs have slack > 0 (they break the proof). Reads the cache when it has
    rows, else scores the rows again."""
    m = open_s.shape[0]
    k = out_cols.shape[1]
    with_cache = cache.shape[0] > 0
    reverse = np.zeros(m, dtype=np.int32)
    forward = np.zeros(m, dtype=np.int32)
    score = np.zeros(m, dtype=np.int32)
    breaking = 0
    for i in range(rows.shape[0]):
        j = rows[i]
        if not open_j[j]:
            continue
        if not with_cache:
            _score_row(j, packed, reverse, forward, score)
        price = alpha[j]
        kept = 0
        least = 0.0
        least_at = 0
        for s in range(m):
            if with_cache:
                stored = cache[j, s]
                if stored == 0:
                    continue
                value = np.int64(stored) - 1
            else:
                value = np.int64(score[s])
                if value < 0 or not open_s[s]:
                    continue
            slack = value - price - beta[s]
            if not slack > -near:
                continue
            if slack > 0:
                breaking += 1
            if k > 0 and (kept < k or slack > least):
                kept, least_at = _offer(
                    out_slack[i], out_cols[i], out_scores[i], kept, least_at, slack, s, value
                )
                if kept == k:
                    least = out_slack[i, least_at]
        out_kept[i] = kept
    return breaking
