"""The forms of a pair at work, split by sub-domain (meetings, session logs, goals, check-ins);
every name is re-exported here for callers of `sessions_log.forms`."""

from sessions_log.forms.checkins import (
    SCORE_CHOICES,
    FitCheckForm,
    ImpactSurveyForm,
    PulseForm,
    ReflectionForm,
)
from sessions_log.forms.goals import GoalForm, GoalUpdateForm
from sessions_log.forms.logs import (
    SKILL_NAMES_LIST,
    MeetingChoiceField,
    PrivateNoteForm,
    SessionLogForm,
    SkillNamesField,
)
from sessions_log.forms.meetings import (
    LocalDateTimeField,
    MeetingForm,
    clean_place,
    daylight_saving_message,
)

__all__ = [
    "SCORE_CHOICES",
    "SKILL_NAMES_LIST",
    "FitCheckForm",
    "GoalForm",
    "GoalUpdateForm",
    "ImpactSurveyForm",
    "LocalDateTimeField",
    "MeetingChoiceField",
    "MeetingForm",
    "PrivateNoteForm",
    "PulseForm",
    "ReflectionForm",
    "SessionLogForm",
    "SkillNamesField",
    "clean_place",
    "daylight_saving_message",
]
