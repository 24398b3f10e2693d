"""Who may do what to a pair, shared by the journey's services."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError

from mentoring.models import Cohort
from pairing.models import Pair
from sessions_log.models import (
    Goal,
)

# --- who is who ------------------------------------------------------------------------------


def require_member(pair: Pair, user) -> None:
    if not pair.involves(user):
        raise PermissionDenied("Only the two partners can do this.")


def require_open(pair: Pair) -> None:
    if pair.cohort.status == Cohort.Status.CLOSED:
        raise ValidationError("This cohort has closed, so nothing here can change any more.")


def require_active(pair: Pair) -> None:
    require_open(pair)
    if pair.status != Pair.Status.ACTIVE:
        raise ValidationError("This pairing has ended.")


def learning_direction(pair: Pair, learner) -> str:
    """The direction in which ``learner`` learns: the senior learns in the reverse direction."""
    return Goal.Direction.REVERSE if pair.senior.user_id == learner.pk else Goal.Direction.FORWARD
