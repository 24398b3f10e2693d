"""Reads of the participant journey, shaped for the pages that show them; split by sub-domain,
every name is re-exported here for callers of `sessions_log.selectors`.

Everything is scoped to a member of the pair: a private note is only ever fetched with
``author=viewer``, and a pair is only ever fetched for one of its two partners.
"""

from sessions_log.selectors.contribution import Contribution, contribution_record
from sessions_log.selectors.history import (
    HISTORY_LIMIT,
    Balance,
    HistoryEntry,
    balance,
    session_history,
)
from sessions_log.selectors.log_form import loggable_meetings, skills_each_way
from sessions_log.selectors.members import (
    enrolment_for,
    goal_for_owner,
    meeting_for_member,
    my_note_body,
    pair_for_member,
    session_log_for_member,
    zone_of,
)
from sessions_log.selectors.page import PairPage, pair_is_open, pair_page

__all__ = [
    "HISTORY_LIMIT",
    "Balance",
    "Contribution",
    "HistoryEntry",
    "PairPage",
    "balance",
    "contribution_record",
    "enrolment_for",
    "goal_for_owner",
    "loggable_meetings",
    "meeting_for_member",
    "my_note_body",
    "pair_for_member",
    "pair_is_open",
    "pair_page",
    "session_history",
    "session_log_for_member",
    "skills_each_way",
    "zone_of",
]
