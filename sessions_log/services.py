"""Writes of the participant journey: the agreement, meetings, session logs, private notes,
goals and the surveys. Every function checks what a person may do here, so a view cannot forget.

Errors a person can fix come out as ``django.core.exceptions.ValidationError`` with a message to
show them; nothing is written in that case.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from mentoring.models import Cohort, Enrolment, Skill
from pairing.models import Pair
from sessions_log import outbox, pair_emails, reminders  # noqa: F401 (pair_emails registers kinds)
from sessions_log.models import (
    AgreementAcceptance,
    FitCheck,
    Goal,
    ImpactSurvey,
    Meeting,
    PrivateNote,
    Pulse,
    Reflection,
    Reminder,
    SessionLog,
)

FINAL_SURVEY_OPENS_DAYS_BEFORE_END = 14


# --- who is who ------------------------------------------------------------------------------

def _require_member(pair: Pair, user) -> None:
    if not pair.involves(user):
        raise PermissionDenied("Only the two partners can do this.")


def _require_open(pair: Pair) -> None:
    if pair.cohort.status == Cohort.Status.CLOSED:
        raise ValidationError("This cohort has closed, so nothing here can change any more.")


def _require_active(pair: Pair) -> None:
    _require_open(pair)
    if pair.status != Pair.Status.ACTIVE:
        raise ValidationError("This pairing has ended.")


def learning_direction(pair: Pair, learner) -> str:
    """The direction in which ``learner`` learns: the senior learns in the reverse direction."""
    return Goal.Direction.REVERSE if pair.senior.user_id == learner.pk else Goal.Direction.FORWARD


# --- the mentoring agreement -------------------------------------------------------------------

def agreement_complete(pair: Pair) -> bool:
    accepted = set(AgreementAcceptance.objects.filter(pair=pair).values_list("user_id", flat=True))
    return {pair.junior.user_id, pair.senior.user_id} <= accepted


@transaction.atomic
def accept_agreement(*, pair: Pair, user) -> AgreementAcceptance:
    _require_member(pair, user)
    _require_active(pair)
    acceptance, _ = AgreementAcceptance.objects.get_or_create(pair=pair, user=user)
    return acceptance


# --- meetings ----------------------------------------------------------------------------------

def _meeting_reminders(meeting: Meeting, *, cancel: bool) -> None:
    """T-24h / T-1h reminders, timed per recipient by sessions_log.reminders."""
    if cancel:
        reminders.cancel_meeting_reminders(meeting=meeting)
    else:
        reminders.schedule_meeting_reminders(meeting=meeting)


def _queue_meeting_emails(meeting: Meeting, kind: str) -> None:
    pair = meeting.pair
    for person in (pair.junior.user, pair.senior.user):
        outbox.schedule(
            recipient=person, kind=kind, due_at=timezone.now(),
            dedupe_key=f"meetingmail:{meeting.uid}:{meeting.sequence}:{kind}:{person.pk}",
            payload={"meeting": meeting.pk, "sequence": meeting.sequence},
        )


def _check_meeting_time(starts_at: datetime, duration_minutes: int) -> None:
    if starts_at <= timezone.now():
        raise ValidationError("Choose a time in the future.")
    if starts_at > timezone.now() + timedelta(days=366):
        raise ValidationError("Choose a time within the next year.")
    if not 5 <= duration_minutes <= 480:
        raise ValidationError("A meeting lasts between 5 minutes and 8 hours.")


@transaction.atomic
def propose_meeting(*, pair: Pair, by, starts_at: datetime, duration_minutes: int,
                    location: str) -> Meeting:
    _require_member(pair, by)
    _require_active(pair)
    if not agreement_complete(pair):
        raise ValidationError("You can schedule meetings once you have both accepted the "
                              "mentoring agreement.")
    _check_meeting_time(starts_at, duration_minutes)
    meeting = Meeting.objects.create(pair=pair, starts_at=starts_at, proposed_by=by,
                                     duration_minutes=duration_minutes, location=location.strip())
    _queue_meeting_emails(meeting, "meeting_invite")
    _meeting_reminders(meeting, cancel=False)
    return meeting


@transaction.atomic
def reschedule_meeting(*, meeting: Meeting, by, starts_at: datetime, duration_minutes: int,
                       location: str) -> Meeting:
    _require_member(meeting.pair, by)
    _require_active(meeting.pair)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status != Meeting.Status.SCHEDULED:
        raise ValidationError("This meeting was cancelled; propose a new one instead.")
    if hasattr(meeting, "session_log"):
        raise ValidationError("This meeting has been logged, so it cannot move.")
    _check_meeting_time(starts_at, duration_minutes)
    meeting.starts_at = starts_at
    meeting.duration_minutes = duration_minutes
    meeting.location = location.strip()
    meeting.sequence += 1
    meeting.save(update_fields=["starts_at", "duration_minutes", "location", "sequence",
                                "updated_at"])
    _queue_meeting_emails(meeting, "meeting_invite")
    _meeting_reminders(meeting, cancel=False)
    return meeting


@transaction.atomic
def cancel_meeting(*, meeting: Meeting, by) -> Meeting:
    _require_member(meeting.pair, by)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status == Meeting.Status.CANCELLED:
        return meeting
    if hasattr(meeting, "session_log"):
        raise ValidationError("This meeting has been logged, so it cannot be cancelled.")
    meeting.status = Meeting.Status.CANCELLED
    meeting.sequence += 1
    meeting.save(update_fields=["status", "sequence", "updated_at"])
    _meeting_reminders(meeting, cancel=True)
    if meeting.starts_at > timezone.now():
        _queue_meeting_emails(meeting, "meeting_cancelled")
    return meeting


# --- session logs and private notes ------------------------------------------------------------

def _check_log(pair: Pair, *, held_on: date, minutes: int, direction: str, today: date) -> None:
    if held_on > today:
        raise ValidationError("A session can only be logged once it has happened: the date is "
                              "in the future.")
    if pair.cohort.starts_on and held_on < pair.cohort.starts_on:
        raise ValidationError(f"The cohort started on {pair.cohort.starts_on:%-d %B %Y}; "
                              "choose a date from then on.")
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
        raise ValidationError("That meeting has already been logged; edit its log instead of "
                              "logging it twice.")


def _save_note(log: SessionLog, author, body: str) -> None:
    body = body.strip()
    if body:
        PrivateNote.objects.update_or_create(session_log=log, author=author,
                                             defaults={"body": body})
    else:
        PrivateNote.objects.filter(session_log=log, author=author).delete()


@transaction.atomic
def log_session(*, pair: Pair, by, held_on: date, minutes: int, direction: str,
                skills: Iterable[Skill] = (), shared_summary: str = "", private_note: str = "",
                meeting: Meeting | None = None, today: date | None = None) -> SessionLog:
    _require_member(pair, by)
    _require_active(pair)
    _check_log(pair, held_on=held_on, minutes=minutes, direction=direction,
               today=today or timezone.localdate())
    _check_meeting_for_log(pair, meeting, None)
    first = not SessionLog.objects.filter(pair=pair).exists()
    try:
        with transaction.atomic():
            log = SessionLog.objects.create(
                pair=pair, meeting=meeting, held_on=held_on, minutes=minutes,
                direction=direction, shared_summary=shared_summary.strip(), logged_by=by)
    except IntegrityError:  # the partner logged the same meeting a moment ago
        raise ValidationError("That meeting has already been logged; edit its log instead of "
                              "logging it twice.") from None
    log.skills.set(skills)
    _save_note(log, by, private_note)
    if first:
        schedule_fit_checks(pair=pair)
    return log


@transaction.atomic
def update_session_log(*, log: SessionLog, by, held_on: date, minutes: int, direction: str,
                       skills: Iterable[Skill], shared_summary: str, private_note: str,
                       meeting: Meeting | None = None, today: date | None = None) -> SessionLog:
    pair = log.pair
    if log.logged_by_id != by.pk:
        raise PermissionDenied("Only the person who logged a session can edit it.")
    _require_active(pair)
    _check_log(pair, held_on=held_on, minutes=minutes, direction=direction,
               today=today or timezone.localdate())
    _check_meeting_for_log(pair, meeting, log)
    log.held_on, log.minutes, log.direction = held_on, minutes, direction
    log.shared_summary = shared_summary.strip()
    log.meeting = meeting
    log.save()
    log.skills.set(skills)
    _save_note(log, by, private_note)
    return log


@transaction.atomic
def delete_session_log(*, log: SessionLog, by) -> None:
    if log.logged_by_id != by.pk:
        raise PermissionDenied("Only the person who logged a session can delete it.")
    _require_active(log.pair)
    log.delete()


@transaction.atomic
def save_private_note(*, log: SessionLog, author, body: str) -> None:
    """Each partner keeps their own note on a session; an empty body removes it."""
    _require_member(log.pair, author)
    _require_open(log.pair)
    _save_note(log, author, body)


# --- goals -------------------------------------------------------------------------------------

@transaction.atomic
def add_goal(*, pair: Pair, owner, title: str, progress_note: str = "") -> Goal:
    _require_member(pair, owner)
    _require_active(pair)
    if not title.strip():
        raise ValidationError("Say what you want to learn.")
    return Goal.objects.create(pair=pair, owner=owner, direction=learning_direction(pair, owner),
                               title=title.strip(), progress_note=progress_note.strip())


@transaction.atomic
def update_goal(*, goal: Goal, by, title: str, status: str, progress_note: str) -> Goal:
    if goal.owner_id != by.pk:
        raise PermissionDenied("Only the person learning can change their goal.")
    _require_open(goal.pair)
    if status not in Goal.Status.values:
        raise ValidationError("Choose a status.")
    goal.title, goal.status, goal.progress_note = title.strip(), status, progress_note.strip()
    goal.save(update_fields=["title", "status", "progress_note", "updated_at"])
    return goal


# --- the pairing-fit check ---------------------------------------------------------------------

def schedule_fit_checks(*, pair: Pair) -> None:
    for person in (pair.junior.user, pair.senior.user):
        outbox.schedule(recipient=person, kind="fit_check_due", due_at=timezone.now(),
                        dedupe_key=f"fitcheck:{pair.pk}:{person.pk}", payload={"pair": pair.pk})


@transaction.atomic
def answer_fit_check(*, pair: Pair, respondent, answer: str, comment: str = "",
                     rematch: bool = False) -> FitCheck:
    """Save the answer; with a "no" and ``rematch``, also open a no-fault re-match request for
    HR (pairing.services.request_rematch), with the comment as its reason."""
    from pairing.services import RematchRefused, request_rematch

    _require_member(pair, respondent)
    _require_open(pair)
    if not SessionLog.objects.filter(pair=pair).exists():
        raise ValidationError("The fit check opens after your first logged session.")
    if answer not in FitCheck.Answer.values:
        raise ValidationError("Choose an answer.")
    fit_check, _ = FitCheck.objects.update_or_create(
        pair=pair, respondent=respondent,
        defaults={"answer": answer, "comment": comment.strip()})
    if rematch and answer == FitCheck.Answer.NO:
        try:
            request_rematch(pair=pair, by=respondent,
                            reason=comment.strip() or "The pairing-fit check said it is not working.")
        except RematchRefused as exc:
            raise ValidationError(str(exc)) from None
    return fit_check


# --- pulse and impact surveys ------------------------------------------------------------------

def pulse_due_at(pair: Pair | datetime, period: int) -> datetime:
    start = pair if isinstance(pair, datetime) else pair.published_at
    return start + timedelta(days=Pulse.FIRST_AFTER_DAYS + Pulse.EVERY_DAYS * period)


def current_pulse_period(pair: Pair, now: datetime | None = None) -> int | None:
    """The pulse period open now (the latest one that has come due), or None before day 30."""
    if not pair.published_at:
        return None
    days = ((now or timezone.now()) - pair.published_at).days
    if days < Pulse.FIRST_AFTER_DAYS:
        return None
    return (days - Pulse.FIRST_AFTER_DAYS) // Pulse.EVERY_DAYS


@transaction.atomic
def answer_pulse(*, pair: Pair, respondent, score: int, comment: str = "",
                 now: datetime | None = None) -> Pulse:
    _require_member(pair, respondent)
    _require_open(pair)
    period = current_pulse_period(pair, now)
    if period is None:
        raise ValidationError("The first pulse opens 30 days after you were paired.")
    if not 1 <= score <= 5:
        raise ValidationError("Choose a score from 1 to 5.")
    pulse, _ = Pulse.objects.update_or_create(
        pair=pair, respondent=respondent, period=period,
        defaults={"score": score, "comment": comment.strip()})
    return pulse


def final_survey_opens_on(cohort: Cohort) -> date | None:
    if cohort.ends_on is None:
        return None
    return cohort.ends_on - timedelta(days=FINAL_SURVEY_OPENS_DAYS_BEFORE_END)


def open_impact_stage(enrolment: Enrolment, today: date | None = None) -> str | None:
    """Which impact survey this enrolment can answer now: the final one from two weeks before
    the cohort ends, the baseline before that; none once the cohort has closed."""
    cohort = enrolment.cohort
    if cohort.status in (Cohort.Status.CLOSED, Cohort.Status.DRAFT):
        return None
    opens = final_survey_opens_on(cohort)
    if opens is not None and (today or timezone.localdate()) >= opens:
        return ImpactSurvey.Stage.FINAL
    return ImpactSurvey.Stage.BASELINE


@transaction.atomic
def answer_impact_survey(*, enrolment: Enrolment, respondent, stage: str,
                         scores: dict[str, int]) -> ImpactSurvey:
    if enrolment.user_id != respondent.pk:
        raise PermissionDenied("This survey is someone else's.")
    if open_impact_stage(enrolment) != stage:
        raise ValidationError("This survey is not open now.")
    if set(scores) != set(ImpactSurvey.AREAS) or not all(
            isinstance(v, int) and 1 <= v <= 5 for v in scores.values()):
        raise ValidationError("Rate every statement from 1 to 5.")
    survey, _ = ImpactSurvey.objects.update_or_create(enrolment=enrolment, stage=stage,
                                                      defaults=scores)
    return survey


# --- the close: reflection and thank-you -------------------------------------------------------

def reflection_open(pair: Pair, today: date | None = None) -> bool:
    """From two weeks before the cohort ends (with the closing survey), and after it closes."""
    if pair.cohort.status == Cohort.Status.CLOSED:
        return True
    opens = final_survey_opens_on(pair.cohort)
    return opens is not None and (today or timezone.localdate()) >= opens


@transaction.atomic
def save_reflection(*, pair: Pair, author, reflection: str, thank_you: str) -> Reflection:
    _require_member(pair, author)
    if not reflection_open(pair):
        raise ValidationError("The reflection opens two weeks before the cohort ends.")
    saved, _ = Reflection.objects.update_or_create(
        pair=pair, author=author,
        defaults={"reflection": reflection.strip(), "thank_you": thank_you.strip()})
    return saved


def schedule_surveys_due(*, now: datetime | None = None) -> int:
    """Put a "survey due" row in the outbox for every pulse and impact survey that is (or next
    comes) due and is not answered yet. Idempotent (dedupe keys); the seed and a daily beat task
    call it. Returns how many rows were added."""
    now = now or timezone.now()
    rows: list[Reminder] = []
    pairs = list(
        Pair.objects.filter(status=Pair.Status.ACTIVE, published_at__isnull=False,
                            cohort__status=Cohort.Status.ACTIVE)
        .values_list("pk", "published_at", "junior__user_id", "senior__user_id",
                     "cohort__ends_on")
    )
    answered = set(Pulse.objects.filter(pair_id__in=[p[0] for p in pairs])
                   .values_list("pair_id", "respondent_id", "period"))
    for pair_id, published_at, junior_id, senior_id, ends_on in pairs:
        days = (now - published_at).days
        current = (None if days < Pulse.FIRST_AFTER_DAYS
                   else (days - Pulse.FIRST_AFTER_DAYS) // Pulse.EVERY_DAYS)
        periods = [0] if current is None else [current, current + 1]
        for period in periods:
            due = pulse_due_at(published_at, period)
            if ends_on and due.date() > ends_on:
                continue
            for user_id in (junior_id, senior_id):
                if (pair_id, user_id, period) in answered:
                    continue
                rows.append(Reminder(
                    recipient_id=user_id, kind="survey_due", due_at=due,
                    dedupe_key=f"survey:pulse:{pair_id}:{user_id}:{period}",
                    payload={"survey": "pulse", "pair": pair_id, "period": period}))

    enrolments = list(
        Enrolment.objects.filter(
            status=Enrolment.Status.ACTIVE,
            cohort__status__in=[Cohort.Status.ENROLLING, Cohort.Status.PAIRING,
                                Cohort.Status.ACTIVE])
        .values_list("pk", "user_id", "created_at", "cohort__ends_on")
    )
    done = set(ImpactSurvey.objects.filter(enrolment_id__in=[e[0] for e in enrolments])
               .values_list("enrolment_id", "stage"))
    for enrolment_id, user_id, created_at, ends_on in enrolments:
        stages = [(ImpactSurvey.Stage.BASELINE, created_at)]
        if ends_on:
            opens = ends_on - timedelta(days=FINAL_SURVEY_OPENS_DAYS_BEFORE_END)
            stages = [(ImpactSurvey.Stage.FINAL, timezone.make_aware(
                datetime.combine(opens, datetime.min.time()).replace(hour=9)))] + (
                stages if now.date() < opens else [])
        for stage, due in stages:
            if (enrolment_id, stage) in done:
                continue
            rows.append(Reminder(
                recipient_id=user_id, kind="survey_due", due_at=due,
                dedupe_key=f"survey:impact:{enrolment_id}:{stage}",
                payload={"survey": "impact", "enrolment": enrolment_id, "stage": str(stage)}))

    existing = set(Reminder.objects.filter(kind="survey_due", dedupe_key__startswith="survey:")
                   .values_list("dedupe_key", flat=True))
    rows = [row for row in rows if row.dedupe_key not in existing]
    # ignore_conflicts: a sweep running at the same moment may have added some of them.
    Reminder.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)
    return len(rows)
