"""Writes of the pairing app. Import services from here:

from pairing.services import start_run, pair_publish, request_rematch
"""

from pairing.services.board import (
    BoardConflict,
    BoardError,
    exclude_proposal,
    lock_proposal,
    pair_by_hand,
    swap_partners,
    unlock_proposal,
    unpair_proposal,
)
from pairing.services.digest import schedule_hr_digest
from pairing.services.never_again import end_pair
from pairing.services.publish import PublishRefused, pair_publish, people_in, publishable
from pairing.services.rematch import (
    RematchRefused,
    decline_rematch,
    request_rematch,
    resolve_rematch,
)
from pairing.services.runs import (
    PairingRefused,
    compute_run,
    execute_run,
    fail_dead_runs,
    retry_run,
    start_run,
)

__all__ = [
    "BoardConflict",
    "BoardError",
    "PairingRefused",
    "PublishRefused",
    "RematchRefused",
    "compute_run",
    "decline_rematch",
    "end_pair",
    "exclude_proposal",
    "execute_run",
    "fail_dead_runs",
    "lock_proposal",
    "pair_by_hand",
    "pair_publish",
    "people_in",
    "publishable",
    "request_rematch",
    "resolve_rematch",
    "retry_run",
    "schedule_hr_digest",
    "start_run",
    "swap_partners",
    "unlock_proposal",
    "unpair_proposal",
]
