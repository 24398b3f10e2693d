"""Running totals of the session logs for the dashboard: per pair, per pair and month, per pair
and skill covered each way, the same per cohort, and each pair's progress along its session
plan in one row.

A cold dashboard (the first view after any write, which on a live programme is most views)
would otherwise group every session ever logged. The per-pair rows are rewritten for one pair
in the same transaction as any write to that pair's logs or plan progress (the models'
signals, so the services, the admin and the tests all keep them), and the cohort's rows take
the difference; all are rebuilt whole by ``rebuild_all()`` after bulk writes that bypass
signals (the demo seed, benchmarks) and by ``manage.py rebuild_session_rollups``.

Minutes are kept per direction as logged ("both" on its own), so readers split "both" the way
they choose; the totals are checked against the logs themselves in
tests/sessions_log/test_rollups.py."""

from sessions_log.rollups.models import (
    CohortMonthTotals,
    CohortSessionTotals,
    CohortSkillTotals,
    EnrolmentRoster,
    PairMonthTotals,
    PairPacked,
    PairPlanSummary,
    PairRoster,
    PairRosterMark,
    PairSessionTotals,
    PairSkillTotals,
)
from sessions_log.rollups.sessions import WAYS, rebuild_all, refresh_pairs

__all__ = [
    "WAYS",
    "CohortMonthTotals",
    "CohortSessionTotals",
    "CohortSkillTotals",
    "EnrolmentRoster",
    "PairMonthTotals",
    "PairPacked",
    "PairPlanSummary",
    "PairRoster",
    "PairRosterMark",
    "PairSessionTotals",
    "PairSkillTotals",
    "rebuild_all",
    "refresh_pairs",
]

# The plan summaries' signals.
from sessions_log.rollups import plan  # noqa: E402, F401
