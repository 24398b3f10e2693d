"""Reads of the pairing app, shaped for the pages and emails that show them; split by
sub-domain, every name is re-exported here for callers of `pairing.selectors`."""

from pairing.selectors.board import (
    UNMATCHED_SHOWN,
    Board,
    BoardFilters,
    Bucket,
    FreePerson,
    board,
    cohort_departments,
    free_people,
    score_distribution,
)
from pairing.selectors.cohorts import (
    BOARD_PAGE_SIZE,
    cohort_for_hr,
    cohort_readiness,
    open_rematch_requests,
    published_pairs,
    rules_of_cohort,
    run_of_cohort,
    runs_of_cohort,
)
from pairing.selectors.pairs import (
    CRITERIA,
    WhyMatched,
    member_of,
    pair_for_member,
    pairs_of_member,
    pairs_of_member_in_cohort,
    participant_pairs,
    why_matched,
)
from pairing.selectors.runs import (
    DIFF_SHOWN,
    EXPORT_COLUMNS,
    RunComparison,
    compare_runs,
    run_export_rows,
)

__all__ = [
    "BOARD_PAGE_SIZE",
    "Board",
    "BoardFilters",
    "Bucket",
    "CRITERIA",
    "DIFF_SHOWN",
    "EXPORT_COLUMNS",
    "FreePerson",
    "RunComparison",
    "UNMATCHED_SHOWN",
    "WhyMatched",
    "board",
    "cohort_departments",
    "cohort_for_hr",
    "cohort_readiness",
    "compare_runs",
    "free_people",
    "member_of",
    "open_rematch_requests",
    "pair_for_member",
    "pairs_of_member",
    "pairs_of_member_in_cohort",
    "participant_pairs",
    "published_pairs",
    "rules_of_cohort",
    "run_export_rows",
    "run_of_cohort",
    "runs_of_cohort",
    "score_distribution",
    "why_matched",
]
