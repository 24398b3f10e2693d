"""The pairing app's pages: HR's cohort page, board and runs, published pairs, and a
participant's own pair; split by sub-domain, the URL conf imports the views from here."""

from pairing.views.board import board, board_edit, run_progress
from pairing.views.cohort import cohort_pairing, rule_remove, run_start
from pairing.views.pairs import pair_end, rematch_decide
from pairing.views.participant import my_pair, rematch_request
from pairing.views.runs import compare, run_export, run_publish

__all__ = [
    "board",
    "board_edit",
    "cohort_pairing",
    "compare",
    "my_pair",
    "pair_end",
    "rematch_decide",
    "rematch_request",
    "rule_remove",
    "run_export",
    "run_progress",
    "run_publish",
    "run_start",
]
