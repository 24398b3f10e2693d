"""The create forms of the pair's journey, safe to submit twice (double click, two tabs).

Each wraps its service: the row it creates is stamped with the form's one-time token, and a
second submit of the same form gets the first row back, with nothing written again (no second
meeting, no second invite). See mentoring.lib.form_tokens."""

from __future__ import annotations

import uuid
from typing import Any

from mentoring.lib.form_tokens import create_once
from pairing.models import Pair
from sessions_log.models import Goal, Meeting, SessionLog
from sessions_log.services.logs import add_goal, log_session
from sessions_log.services.meetings import propose_meeting


def _stamped(row, token: uuid.UUID | None):
    if token is not None:
        # A simultaneous submit of the same form makes this UPDATE collide on the unique
        # (pair, form_token); create_once then rolls back everything the service wrote.
        type(row)._default_manager.filter(pk=row.pk).update(form_token=token)
        row.form_token = token
    return row


def log_session_once(*, pair: Pair, form_token: uuid.UUID | None, **fields: Any) -> SessionLog:
    log, _ = create_once(
        SessionLog,
        token=form_token,
        scope={"pair": pair},
        create=lambda token: _stamped(log_session(pair=pair, **fields), token),
    )
    return log


def propose_meeting_once(*, pair: Pair, form_token: uuid.UUID | None, **fields: Any) -> Meeting:
    meeting, _ = create_once(
        Meeting,
        token=form_token,
        scope={"pair": pair},
        create=lambda token: _stamped(propose_meeting(pair=pair, **fields), token),
    )
    return meeting


def add_goal_once(*, pair: Pair, form_token: uuid.UUID | None = None, **fields: Any) -> Goal:
    goal, _ = create_once(
        Goal,
        token=form_token,
        scope={"pair": pair},
        create=lambda token: _stamped(add_goal(pair=pair, **fields), token),
    )
    return goal
