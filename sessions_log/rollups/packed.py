"""Each pair's months and skills in one row (models.PairPacked), for the dashboard's views of
part of a cohort (a department, a manager's line): summing the months and skills of 7,000
pairs from their rows in PairMonthTotals and PairSkillTotals reads 70,000 and 160,000 rows
(0.15 s at 50,000 people); from one row per pair, 7,000 rows and a sum in numpy.

A pack is a run of big-endian 32-bit integers: months as five per month (the month's number,
year × 12 + month − 1, then sessions and minutes reverse, forward and both ways), skills as
two per skill and way (skill id × 2, + 1 for forward, then sessions). Written from the same
figures as the pair's rows, in the same transaction (sessions.py)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import numpy as np

MONTH_WIDTH = 5
SKILL_WIDTH = 2
_INT = np.dtype(">i4")
WAY_BIT = {"reverse": 0, "forward": 1}


def month_number(month: date) -> int:
    return month.year * 12 + month.month - 1


def month_of(number: int) -> date:
    return date(number // 12, number % 12 + 1, 1)


def pack(rows: Iterable[tuple[int, ...]]) -> bytes:
    return np.asarray(list(rows), dtype=_INT).tobytes()


def unpack(packs: Iterable[bytes | memoryview], width: int) -> np.ndarray:
    """Every pack's rows, one under another (an array of ``width`` columns)."""
    joined = b"".join(bytes(p) for p in packs)
    return np.frombuffer(joined, dtype=_INT).reshape(-1, width).astype(np.int64)


def skill_row(skill_id: int, way: str, sessions: int) -> tuple[int, int]:
    """A skill pack's row: the skill and way as one key, and the sessions."""
    return skill_id * 2 + WAY_BIT[way], sessions
