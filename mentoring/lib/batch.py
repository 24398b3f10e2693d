"""Batch jobs that one bad row cannot stop.

A scheduled task works through every pair or enrolment on the site; if one row holds something
absurd (a cohort dated year 1, a zone that no longer exists), raising would stop the job for
everybody, every hour. ``isolated`` logs the row's kind and id (never its content: names and
free text stay out of logs) and lets the loop go on to the next row.
"""

from __future__ import annotations

import logging
from types import TracebackType

log = logging.getLogger("twoway.batch")


class isolated:  # noqa: N801 (used as ``with isolated(...)``, like contextlib.suppress)
    """``for row in rows: with isolated("pair", row.pk): ...`` skips a row that raises."""

    def __init__(self, kind: str, row_id: object, *, job: str = "") -> None:
        self.kind, self.row_id, self.job = kind, row_id, job
        self.failed = False

    def __enter__(self) -> isolated:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> bool:
        if exc_type is None or not issubclass(exc_type, Exception):
            return False
        self.failed = True
        log.warning(
            "%sskipped %s %s: %s",
            f"{self.job}: " if self.job else "",
            self.kind,
            self.row_id,
            exc_type.__name__,
        )
        return True
