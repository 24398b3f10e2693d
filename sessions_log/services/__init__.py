"""Writes of the participant journey: the agreement, meetings, session logs, private notes,
goals and the surveys. Every function checks what a person may do here, so a view cannot forget.

Errors a person can fix come out as ``django.core.exceptions.ValidationError`` with a message to
show them; nothing is written in that case.
"""

from sessions_log.services.access import learning_direction
from sessions_log.services.logs import (
    add_goal,
    delete_session_log,
    log_session,
    save_private_note,
    update_goal,
    update_session_log,
)
from sessions_log.services.meetings import (
    accept_agreement,
    agreement_complete,
    cancel_meeting,
    propose_meeting,
    reschedule_meeting,
)
from sessions_log.services.once import add_goal_once, log_session_once, propose_meeting_once
from sessions_log.services.surveys import (
    FINAL_SURVEY_OPENS_DAYS_BEFORE_END,
    answer_fit_check,
    answer_impact_survey,
    answer_pulse,
    current_pulse_period,
    final_survey_opens_on,
    open_impact_stage,
    pulse_due_at,
    reflection_open,
    save_reflection,
    schedule_fit_checks,
    schedule_surveys_due,
)

__all__ = [
    "FINAL_SURVEY_OPENS_DAYS_BEFORE_END",
    "accept_agreement",
    "add_goal",
    "add_goal_once",
    "agreement_complete",
    "answer_fit_check",
    "answer_impact_survey",
    "answer_pulse",
    "cancel_meeting",
    "current_pulse_period",
    "delete_session_log",
    "final_survey_opens_on",
    "learning_direction",
    "log_session",
    "log_session_once",
    "open_impact_stage",
    "propose_meeting",
    "propose_meeting_once",
    "pulse_due_at",
    "reflection_open",
    "reschedule_meeting",
    "save_private_note",
    "save_reflection",
    "schedule_fit_checks",
    "schedule_surveys_due",
    "update_goal",
    "update_session_log",
]
