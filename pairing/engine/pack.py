"""The cohort packed as flat integer arrays for the compiled loops (kernels.py; no Django).

`pack` returns None when a cohort does not fit those loops (too many distinct profiles for the
small extras table, or non-integer points): sparse.py and proof.py then use numpy. Imports no
numba, so a caller can ask before it pays for the loops.
"""

from __future__ import annotations

from dataclasses import dataclass

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
        """The arrays in this order, as one tuple: the compiled loops take it whole and unpack it
        by position (kernels.py)."""
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
