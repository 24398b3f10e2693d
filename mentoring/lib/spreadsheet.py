"""Cells safe to open in a spreadsheet: shared by every CSV export (staff, pairing runs,
the dashboard)."""

from __future__ import annotations

import re

# A cell starting with one of these is run as a formula by spreadsheet programs.
FORMULA_PREFIXES = ("=", "+", "-", "@")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def neutralise(value: str) -> str:
    """Formula-like text gets a leading quote; a plain number stays a number."""
    if value.startswith(FORMULA_PREFIXES) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value
