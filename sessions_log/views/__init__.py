"""The pair's own pages. Every view fetches through a selector scoped to the signed-in person
(one of the two partners; for goals and logs, the owner), so anyone else gets 404."""

from sessions_log.views.checkins import (
    contribution_record,
    fit_check,
    impact_survey,
    pulse,
    reflection,
)
from sessions_log.views.meetings import meeting_cancel, meeting_edit, meeting_ics, meeting_new
from sessions_log.views.pair import (
    agreement_accept,
    goal_create,
    goal_edit,
    goal_new,
    pair_detail,
    private_note_edit,
    session_log_create,
    session_log_delete,
    session_log_edit,
    session_log_new,
)

__all__ = [
    "agreement_accept",
    "contribution_record",
    "fit_check",
    "goal_create",
    "goal_edit",
    "goal_new",
    "impact_survey",
    "meeting_cancel",
    "meeting_edit",
    "meeting_ics",
    "meeting_new",
    "pair_detail",
    "private_note_edit",
    "pulse",
    "reflection",
    "session_log_create",
    "session_log_delete",
    "session_log_edit",
    "session_log_new",
]
