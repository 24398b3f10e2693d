"""Session logs, private notes and goals."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Skill
from mentoring.models import PlanStep
from pairing.models import Pair
from sessions_log.models import (
    Goal,
    Meeting,
    PrivateNote,
    SessionLog,
)
from sessions_log.plan import forget_plan
from sessions_log.services.access import (
    learning_direction,
    require_active,
    require_member,
    require_open,
)
from sessions_log.services.plan import set_step_state
from sessions_log.services.surveys import schedule_fit_checks

# --- session logs and private notes ------------------------------------------------------------


def _check_log(pair: Pair, *, held_on: date, minutes: int, direction: str, today: date) -> None:
    if held_on > today:
        raise ValidationError(
            "A session can only be logged once it has happened: the date is in the future."
        )
    if pair.cohort.starts_on and held_on < pair.cohort.starts_on:
        raise ValidationError(
            f"The cohort started on {pair.cohort.starts_on:%-d %B %Y}; choose a date from then on."
        )
    if not 1 <= minutes <= 600:
        raise ValidationError("Minutes must be between 1 and 600.")
    if direction not in SessionLog.Direction.values:
        raise ValidationError("Choose a direction.")


def _check_meeting_for_log(pair: Pair, meeting: Meeting | None, log: SessionLog | None) -> None:
    if meeting is None:
        return
    if meeting.pair_id != pair.pk or meeting.status != Meeting.Status.SCHEDULED:
        raise ValidationError("That meeting is not one of this pair's scheduled meetings.")
    logged = SessionLog.objects.filter(meeting=meeting)
    if log is not None:
        logged = logged.exclude(pk=log.pk)
    if logged.exists():
        raise ValidationError(
            "That meeting has already been logged; edit its log instead of logging it twice."
        )


def _set_skills(log: SessionLog, reverse: Iterable[Skill], forward: Iterable[Skill]) -> None:
    """Skills are credited only in a direction the session went."""
    reverse, forward = list(reverse), list(forward)
    for way, skills in (("reverse", reverse), ("forward", forward)):
        if skills and not log.covers_way(way):
            raise ValidationError(
                "A skill can only be credited in a direction the session went: "
                f"this one was {log.get_direction_display().lower()}."
            )
    log.skills_reverse.set(reverse)
    log.skills_forward.set(forward)


def _save_note(log: SessionLog, author, body: str) -> None:
    body = body.strip()
    if body:
        PrivateNote.objects.update_or_create(
            session_log=log, author=author, defaults={"body": body}
        )
    else:
        PrivateNote.objects.filter(session_log=log, author=author).delete()


@transaction.atomic
def log_session(
    *,
    pair: Pair,
    by,
    held_on: date,
    minutes: int,
    direction: str,
    skills_reverse: Iterable[Skill] = (),
    skills_forward: Iterable[Skill] = (),
    shared_summary: str = "",
    private_note: str = "",
    meeting: Meeting | None = None,
    today: date | None = None,
    plan_step: PlanStep | None = None,
) -> SessionLog:
    require_member(pair, by)
    require_active(pair)
    _check_log(
        pair,
        held_on=held_on,
        minutes=minutes,
        direction=direction,
        today=today or timezone.localdate(),
    )
    _check_meeting_for_log(pair, meeting, None)
    first = not SessionLog.objects.filter(pair=pair).exists()
    try:
        with transaction.atomic():
            log = SessionLog.objects.create(
                pair=pair,
                meeting=meeting,
                held_on=held_on,
                minutes=minutes,
                direction=direction,
                shared_summary=shared_summary.strip(),
                logged_by=by,
            )
    except IntegrityError:  # the partner logged the same meeting a moment ago
        raise ValidationError(
            "That meeting has already been logged; edit its log instead of logging it twice."
        ) from None
    _set_skills(log, skills_reverse, skills_forward)
    _save_note(log, by, private_note)
    if first:
        schedule_fit_checks(pair=pair)
    forget_plan(pair)  # the pair has met now: the plan read for the form is stale
    if plan_step is not None:
        set_step_state(pair=pair, step=plan_step, by=by, state="done", session_log=log)
    return log


@transaction.atomic
def update_session_log(
    *,
    log: SessionLog,
    by,
    held_on: date,
    minutes: int,
    direction: str,
    skills_reverse: Iterable[Skill] = (),
    skills_forward: Iterable[Skill] = (),
    shared_summary: str = "",
    private_note: str = "",
    meeting: Meeting | None = None,
    today: date | None = None,
) -> SessionLog:
    pair = log.pair
    if log.logged_by_id != by.pk:
        raise PermissionDenied("Only the person who logged a session can edit it.")
    require_active(pair)
    _check_log(
        pair,
        held_on=held_on,
        minutes=minutes,
        direction=direction,
        today=today or timezone.localdate(),
    )
    _check_meeting_for_log(pair, meeting, log)
    log.held_on, log.minutes, log.direction = held_on, minutes, direction
    log.shared_summary = shared_summary.strip()
    log.meeting = meeting
    log.save()
    _set_skills(log, skills_reverse, skills_forward)
    _save_note(log, by, private_note)
    return log


@transaction.atomic
def delete_session_log(*, log: SessionLog, by) -> None:
    if log.logged_by_id != by.pk:
        raise PermissionDenied("Only the person who logged a session can delete it.")
    require_active(log.pair)
    log.delete()


@transaction.atomic
def save_private_note(*, log: SessionLog, author, body: str) -> None:
    """Each partner keeps their own note on a session; an empty body removes it."""
    require_member(log.pair, author)
    require_open(log.pair)
    _save_note(log, author, body)


# --- goals -------------------------------------------------------------------------------------


@transaction.atomic
def add_goal(
    *, pair: Pair, owner, title: str, progress_note: str = "", due_on: date | None = None
) -> Goal:
    require_member(pair, owner)
    require_active(pair)
    if not title.strip():
        raise ValidationError("Say what you want to learn.")
    return Goal.objects.create(
        pair=pair,
        owner=owner,
        direction=learning_direction(pair, owner),
        title=title.strip(),
        progress_note=progress_note.strip(),
        due_on=due_on,
    )


@transaction.atomic
def update_goal(
    *,
    goal: Goal,
    by,
    title: str,
    status: str,
    progress_note: str,
    due_on: date | None = None,
    progress: int | None = None,
) -> Goal:
    if goal.owner_id != by.pk:
        raise PermissionDenied("Only the person learning can change their goal.")
    require_open(goal.pair)
    if status not in Goal.Status.values:
        raise ValidationError("Choose a status.")
    if progress is not None and not 0 <= progress <= 100:
        raise ValidationError("Progress is a percentage from 0 to 100.")
    goal.title, goal.status, goal.progress_note = title.strip(), status, progress_note.strip()
    goal.due_on = due_on
    if progress is not None:
        goal.progress = progress
    if status == Goal.Status.ACHIEVED:
        goal.progress = 100
    goal.save(
        update_fields=["title", "status", "progress_note", "due_on", "progress", "updated_at"]
    )
    return goal
