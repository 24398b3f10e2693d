"""Compiled loops (numba) for the candidates and their proof on big cohorts (no Django).

score.score_block works a block of juniors in numpy: a dozen passes over the block's cells, then
sparse.py partitions it twice more to keep each person's best. Here each junior's scores against
every senior are worked out once, in one pass, and reduced on the spot: the junior's best
`k_row` seniors, each senior's best `k_col` juniors so far (a running minimum per senior, so a
cell costs one comparison unless it beats it), the counts behind the unmatched reasons, and the
compact score cache the proof reads. Nothing of the size of the pair matrix is made but that
cache (sparse.CACHE_BYTES caps it).

The same scores as score_block, in integers: tests compare the two on random cohorts with every
rule. `pack` returns None when a cohort does not fit these loops (too many distinct profiles
for the small extras table, or non-integer points); sparse.py then uses numpy.

The loops release the GIL (`nogil`): sparse.py runs two blocks of juniors at once on two
threads, as it does with numpy. Compiled once per machine (`cache=True` keeps the machine code
beside this file, or in the user's cache directory when that is read-only).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numba as nb
import numpy as np

from pairing.engine.score import ScoredCohort, _extras, _profiles
from pairing.engine.types import Rules, Weights

ENABLED = True  # tests switch the compiled loops off to check the numpy route too
EXTRAS_TABLE_CELLS = 4_000_000  # junior profiles x senior profiles
SPREAD_BYTES = 64_000_000  # junior profiles x seniors, one byte each


@dataclass
class Packed:
    """A cohort as flat integer arrays (CSR lists per junior, transposed senior profiles)."""

    teach_ptr: np.ndarray  # juniors' teach skills: teach_skill[teach_ptr[j]:teach_ptr[j + 1]]
    teach_skill: np.ndarray
    teach_level: np.ndarray
    learn_ptr: np.ndarray
    learn_skill: np.ndarray
    learn_level: np.ndarray
    senior_learn: np.ndarray  # int32, skills x seniors
    senior_teach: np.ndarray  # int32, skills x seniors
    # int64: reverse, forward, forward bonus, extras on (0/1), forward on, extras spread (one
    # row per junior profile over every senior, in order)
    weights: np.ndarray
    # int8/int32, junior profiles x senior profiles (or x seniors: "spread"); -1: a rule forbids
    extras: np.ndarray
    junior_profile: np.ndarray  # int64 per junior
    senior_profile: np.ndarray  # int64 per senior
    forbidden_ptr: np.ndarray  # forbidden seniors per junior (reporting lines, exclusions, locks)
    forbidden_cols: np.ndarray
    chain_ptr: np.ndarray  # the reporting-line part of those, for the unmatched reasons
    chain_cols: np.ndarray
    bonus_ptr: np.ndarray  # shortlist points per junior
    bonus_cols: np.ndarray
    bonus_points: np.ndarray  # int64

    def arrays(self) -> tuple[np.ndarray, ...]:
        return (
            self.teach_ptr,
            self.teach_skill,
            self.teach_level,
            self.learn_ptr,
            self.learn_skill,
            self.learn_level,
            self.senior_learn,
            self.senior_teach,
            self.weights,
            self.extras,
            self.junior_profile,
            self.senior_profile,
            self.forbidden_ptr,
            self.forbidden_cols,
            self.chain_ptr,
            self.chain_cols,
            self.bonus_ptr,
            self.bonus_cols,
            self.bonus_points,
        )


def _integral(values: np.ndarray) -> bool:
    return bool(np.array_equal(values, np.round(values)))


def _small_int(table: np.ndarray) -> type:
    """int8 when the points fit (a quarter of the bytes to read per cell), else int32."""
    return np.int8 if table.size == 0 or np.abs(table).max() < 127 else np.int32


def _lists(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rows, skills = np.nonzero(matrix)
    ptr = np.searchsorted(rows, np.arange(matrix.shape[0] + 1)).astype(np.int64)
    return ptr, skills.astype(np.int64), matrix[rows, skills].astype(np.int64)


def _row_lists(rows: np.ndarray, cols: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(pointer per row, columns) of pairs sorted by row."""
    return np.searchsorted(rows, np.arange(n + 1)).astype(np.int64), cols.astype(np.int64)


def pack(cohort: ScoredCohort, weights: Weights, rules: Rules) -> Packed | None:
    """The cohort for the compiled loops (kept on the cohort), or None to use numpy."""
    if not ENABLED:
        return None
    if cohort.packed is not None:
        return cohort.packed  # type: ignore[return-value]
    j, s = cohort.juniors, cohort.seniors
    n, m = len(j.ids), len(s.ids)
    integral = all(_integral(a) for a in (j.teach, j.learn, s.teach, s.learn))
    if not integral or not _integral(cohort.bonus_points):
        return None
    spread = False
    if cohort.extras_needed and cohort.extras_table is not None:
        # score.prepare_extras has spread the table already: one row per junior profile over
        # every senior (a contiguous read per cell instead of a gather)
        assert cohort.junior_profile is not None  # set together with the table
        table = cohort.extras_table
        if not _integral(table):
            return None
        extras: np.ndarray = np.ascontiguousarray(table, dtype=_small_int(table))
        junior_profile = cohort.junior_profile.astype(np.int64)
        senior_profile = np.arange(m, dtype=np.int64)
        spread = True
    elif cohort.extras_needed:
        j_codes, j_profiles = _profiles(j)
        s_codes, s_profiles = _profiles(s)
        if len(j_profiles) * len(s_profiles) > EXTRAS_TABLE_CELLS:
            return None
        jp, sp = j_profiles[:, :, None], s_profiles.T[:, None, :]
        table = _extras(
            jp[:, 0], jp[:, 1], jp[:, 2], jp[:, 3], sp[0], sp[1], sp[2], sp[3], weights, rules
        )
        if not _integral(table):
            return None
        extras = np.ascontiguousarray(table, dtype=_small_int(table))
        junior_profile, senior_profile = j_codes.astype(np.int64), s_codes.astype(np.int64)
        if extras.dtype == np.int8 and len(j_profiles) * m <= SPREAD_BYTES:
            # spread it here (score.py keeps its float32 table smaller): a contiguous read
            # per cell instead of a gather
            extras = np.ascontiguousarray(extras[:, senior_profile])
            senior_profile = np.arange(m, dtype=np.int64)
            spread = True
    else:
        extras = np.zeros((1, 1), dtype=np.int8)
        junior_profile, senior_profile = np.zeros(n, dtype=np.int64), np.zeros(m, dtype=np.int64)
    teach = _lists(j.teach)
    learn = _lists(j.learn)
    forbidden = _row_lists(cohort.forbidden_rows, cohort.forbidden_cols, n)
    chain = _row_lists(cohort.chain_rows, cohort.chain_cols, n)
    bonus = _row_lists(cohort.bonus_rows, cohort.bonus_cols, n)
    forward_on = bool(weights.forward or weights.forward_bonus)
    packed = Packed(
        *teach,
        *learn,
        np.ascontiguousarray(s.learn.T, dtype=np.int32),
        np.ascontiguousarray(s.teach.T, dtype=np.int32),
        np.asarray(
            [
                weights.reverse,
                weights.forward,
                weights.forward_bonus,
                int(cohort.extras_needed),
                int(forward_on),
                int(spread),
            ],
            dtype=np.int64,
        ),
        extras,
        junior_profile,
        senior_profile,
        *forbidden,
        *chain,
        bonus[0],
        bonus[1],
        cohort.bonus_points.astype(np.int64),
    )
    cohort.packed = packed
    return packed


# compiled to machine code once (cached on disk), releasing the GIL while it runs
_jit: Callable[[Callable[..., Any]], Any] = nb.njit(nogil=True, cache=True, boundscheck=False)


@_jit
def _score_row(
    j,
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
    bonus_ptr,
    bonus_cols,
    bonus_points,
    reverse,
    forward,
    score,
):
    """Junior j's score against every senior into `score`, -1 where the pair is not eligible
    (reporting lines, exclusions and rules applied; capacity not)."""
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
def _chain_eligible(j, s, reverse, weights, extras, junior_profile, senior_profile):
    """Would junior j and senior s be eligible were it not for the reporting line?"""
    if reverse[s] <= 0:
        return False
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
def collect_rows(
    r0,
    r1,
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
    chain_ptr,
    chain_cols,
    bonus_ptr,
    bonus_cols,
    bonus_points,
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
    m = open_s.shape[0]
    k_row = row_cols.shape[1]
    k_col = col_scores.shape[1]
    with_cache = cache.shape[0] > 0
    reverse = np.zeros(m, dtype=np.int32)
    forward = np.zeros(m, dtype=np.int32)
    score = np.zeros(m, dtype=np.int32)
    col_least = np.zeros(m, dtype=np.int64)  # each senior's smallest kept score (when full)
    col_at = np.zeros(m, dtype=np.int64)
    if k_col > 0:
        for s in range(m):  # the lane's earlier calls may have filled some seniors' lists
            if col_kept[s] == k_col:
                col_at[s] = _smallest(col_scores[s], k_col)
                col_least[s] = col_scores[s, col_at[s]]
    for j in range(r0, r1):
        i = j - r0
        _score_row(
            j,
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
            bonus_ptr,
            bonus_cols,
            bonus_points,
            reverse,
            forward,
            score,
        )
        for p in range(chain_ptr[j], chain_ptr[j + 1]):
            s = chain_cols[p]
            if _chain_eligible(j, s, reverse, weights, extras, junior_profile, senior_profile):
                junior_chain[i] = True
                senior_chain[s] = True
        is_open = open_j[j]
        any_eligible = False
        if with_cache:
            row = cache[j]
            for s in range(m):
                value = score[s]
                row[s] = value + 1 if (value >= 0) & is_open & open_s[s] else 0
        for s in range(m):
            eligible = score[s] >= 0
            any_eligible |= eligible
            senior_any[s] |= eligible
        junior_any[i] = any_eligible
        kept = 0
        least = 0
        least_at = 0
        usable_count = 0
        if not is_open:
            row_kept[i] = 0
            row_usable[i] = 0
            continue
        for s in range(m):
            value = np.int64(score[s])
            if value < 0 or not open_s[s]:
                continue
            usable_count += 1
            col_usable[s] += 1
            # this junior's best k_row
            if k_row == 0:
                pass
            elif kept < k_row:
                row_scores[i, kept] = value
                row_cols[i, kept] = s
                kept += 1
                if kept == k_row:
                    least_at = _smallest(row_scores[i], kept)
                    least = row_scores[i, least_at]
            elif value > least:
                row_scores[i, least_at] = value
                row_cols[i, least_at] = s
                least_at = _smallest(row_scores[i], kept)
                least = row_scores[i, least_at]
            # this senior's best k_col among these rows
            held = col_kept[s]
            if k_col == 0:
                pass
            elif held < k_col:
                col_scores[s, held] = value
                col_rows[s, held] = j
                col_kept[s] = held + 1
                if held + 1 == k_col:
                    col_at[s] = _smallest(col_scores[s], k_col)
                    col_least[s] = col_scores[s, col_at[s]]
            elif value > col_least[s]:
                col_scores[s, col_at[s]] = value
                col_rows[s, col_at[s]] = j
                col_at[s] = _smallest(col_scores[s], k_col)
                col_least[s] = col_scores[s, col_at[s]]
        row_kept[i] = kept
        row_usable[i] = usable_count


@_jit
def scan_rows(
    rows,
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
    bonus_ptr,
    bonus_cols,
    bonus_points,
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
            _score_row(
                j,
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
                bonus_ptr,
                bonus_cols,
                bonus_points,
                reverse,
                forward,
                score,
            )
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
            if k == 0:
                pass
            elif kept < k:
                out_cols[i, kept] = s
                out_scores[i, kept] = value
                out_slack[i, kept] = slack
                kept += 1
                if kept == k:
                    least_at = _smallest(out_slack[i], kept)
                    least = out_slack[i, least_at]
            elif slack > least:
                out_cols[i, least_at] = s
                out_scores[i, least_at] = value
                out_slack[i, least_at] = slack
                least_at = _smallest(out_slack[i], kept)
                least = out_slack[i, least_at]
        out_kept[i] = kept
    return breaking
