"""The pairing-fit check, pulse and impact surveys, the close, and their "survey due" rows."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from mentoring import outbox
from mentoring.lib.batch import isolated
from mentoring.models import Cohort, Enrolment, OutboxMessage
from pairing.models import Pair
from pairing.services import RematchRefused, request_rematch
from sessions_log.models import FitCheck, ImpactSurvey, Pulse, Reflection, SessionLog
from sessions_log.services.access import (
    require_member,
    require_open,
)

FINAL_SURVEY_OPENS_DAYS_BEFORE_END = 14
SCHEDULE_AHEAD = timedelta(days=7)


# --- the pairing-fit check ---------------------------------------------------------------------


def schedule_fit_checks(*, pair: Pair) -> None:
    for person in (pair.junior.user, pair.senior.user):
        outbox.schedule(
            recipient=person,
            kind="fit_check_due",
            due_at=timezone.now(),
            dedupe_key=f"fitcheck:{pair.pk}:{person.pk}",
            payload={"pair": pair.pk},
        )


@transaction.atomic
def answer_fit_check(
    *, pair: Pair, respondent, answer: str, comment: str = "", rematch: bool = False
) -> FitCheck:
    """Save the answer; with a "no" and ``rematch``, also open a no-fault re-match request for
    HR (pairing.services.request_rematch), with the comment as its reason."""
    require_member(pair, respondent)
    require_open(pair)
    if not SessionLog.objects.filter(pair=pair).exists():
        raise ValidationError("The fit check opens after your first logged session.")
    if answer not in FitCheck.Answer.values:
        raise ValidationError("Choose an answer.")
    fit_check, _ = FitCheck.objects.update_or_create(
        pair=pair, respondent=respondent, defaults={"answer": answer, "comment": comment.strip()}
    )
    if rematch and answer == FitCheck.Answer.NO:
        try:
            request_rematch(
                pair=pair,
                by=respondent,
                reason=comment.strip() or "The pairing-fit check said it is not working.",
            )
        except RematchRefused as exc:
            raise ValidationError(str(exc)) from None
    return fit_check


# --- pulse and impact surveys ------------------------------------------------------------------


def pulse_due_at(pair: Pair | datetime, period: int) -> datetime:
    start = pair if isinstance(pair, datetime) else pair.published_at
    if start is None:
        raise ValueError("An unpublished pair has no pulse schedule.")
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
def answer_pulse(
    *, pair: Pair, respondent, score: int, comment: str = "", now: datetime | None = None
) -> Pulse:
    require_member(pair, respondent)
    require_open(pair)
    period = current_pulse_period(pair, now)
    if period is None:
        raise ValidationError("The first pulse opens 30 days after you were paired.")
    if not 1 <= score <= 5:
        raise ValidationError("Choose a score from 1 to 5.")
    pulse, _ = Pulse.objects.update_or_create(
        pair=pair,
        respondent=respondent,
        period=period,
        defaults={"score": score, "comment": comment.strip()},
    )
    return pulse


def _final_opens(ends_on: date) -> date:
    try:
        return ends_on - timedelta(days=FINAL_SURVEY_OPENS_DAYS_BEFORE_END)
    except OverflowError:  # a cohort ending in the first days of year 1: long past
        return date.min


def final_survey_opens_on(cohort: Cohort) -> date | None:
    if cohort.ends_on is None:
        return None
    return _final_opens(cohort.ends_on)


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
def answer_impact_survey(
    *, enrolment: Enrolment, respondent, stage: str, scores: dict[str, int]
) -> ImpactSurvey:
    if enrolment.user_id != respondent.pk:
        raise PermissionDenied("This survey is someone else's.")
    if open_impact_stage(enrolment) != stage:
        raise ValidationError("This survey is not open now.")
    if set(scores) != set(ImpactSurvey.AREAS) or not all(
        isinstance(v, int) and 1 <= v <= 5 for v in scores.values()
    ):
        raise ValidationError("Rate every statement from 1 to 5.")
    survey, _ = ImpactSurvey.objects.update_or_create(
        enrolment=enrolment, stage=stage, defaults=scores
    )
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
    require_member(pair, author)
    if not reflection_open(pair):
        raise ValidationError("The reflection opens two weeks before the cohort ends.")
    saved, _ = Reflection.objects.update_or_create(
        pair=pair,
        author=author,
        defaults={"reflection": reflection.strip(), "thank_you": thank_you.strip()},
    )
    return saved


PlannedSurvey = tuple[int, datetime, str, dict]


def _pulses_due(
    pair_id: int,
    published_at: datetime,
    members: tuple[int, int],
    ends_on: date | None,
    now: datetime,
    horizon: datetime,
    answered: set[tuple[int, int, int]],
) -> list[PlannedSurvey]:
    planned: list[PlannedSurvey] = []
    days = (now - published_at).days
    current = (
        None
        if days < Pulse.FIRST_AFTER_DAYS
        else (days - Pulse.FIRST_AFTER_DAYS) // Pulse.EVERY_DAYS
    )
    for period in [0] if current is None else [current, current + 1]:
        due = pulse_due_at(published_at, period)
        if due > horizon or (ends_on and due.date() > ends_on):
            continue
        planned += [
            (
                user_id,
                due,
                f"survey:pulse:{pair_id}:{user_id}:{period}",
                {"survey": "pulse", "pair": pair_id, "period": period},
            )
            for user_id in members
            if (pair_id, user_id, period) not in answered
        ]
    return planned


def _impact_surveys_due(
    enrolment_id: int,
    user_id: int,
    created_at: datetime,
    ends_on: date | None,
    now: datetime,
    horizon: datetime,
    done: set[tuple[int, str]],
) -> list[PlannedSurvey]:
    opens = final_opens = None
    if ends_on:
        opens = _final_opens(ends_on)
        final_opens = timezone.make_aware(datetime.combine(opens, time(9)))
    stages = (
        [(ImpactSurvey.Stage.BASELINE, created_at)] if (opens is None or now.date() < opens) else []
    )
    if final_opens is not None and final_opens <= horizon:
        stages.append((ImpactSurvey.Stage.FINAL, final_opens))
    return [
        (
            user_id,
            due,
            f"survey:impact:{enrolment_id}:{stage}",
            {"survey": "impact", "enrolment": enrolment_id, "stage": str(stage)},
        )
        for stage, due in stages
        if (enrolment_id, stage) not in done
    ]


def schedule_surveys_due(*, now: datetime | None = None) -> int:
    """Put a "survey due" row in the outbox for every pulse and impact survey that has come due,
    or comes due within a week, and is not answered yet. Idempotent (dedupe keys); the seed and
    an hourly beat task call it, so rows further ahead are added in good time by a later run.
    Returns how many rows were added. A row with absurd data is logged and skipped, so it
    never stops the surveys of everybody else."""
    now = now or timezone.now()
    horizon = now + SCHEDULE_AHEAD
    planned: list[PlannedSurvey] = []
    pairs = list(
        Pair.objects.filter(
            status=Pair.Status.ACTIVE,
            published_at__isnull=False,
            cohort__status=Cohort.Status.ACTIVE,
        ).values_list("pk", "published_at", "junior__user_id", "senior__user_id", "cohort__ends_on")
    )
    answered = set(
        Pulse.objects.filter(pair_id__in=[p[0] for p in pairs]).values_list(
            "pair_id", "respondent_id", "period"
        )
    )
    for pair_id, published_at, junior_id, senior_id, ends_on in pairs:
        assert published_at is not None  # the query keeps published pairs only
        with isolated("pair", pair_id, job="schedule_surveys_due"):
            planned += _pulses_due(
                pair_id, published_at, (junior_id, senior_id), ends_on, now, horizon, answered
            )

    enrolments = list(
        Enrolment.objects.filter(
            status=Enrolment.Status.ACTIVE,
            cohort__status__in=[
                Cohort.Status.ENROLLING,
                Cohort.Status.PAIRING,
                Cohort.Status.ACTIVE,
            ],
        ).values_list("pk", "user_id", "created_at", "cohort__ends_on")
    )
    done = set(
        ImpactSurvey.objects.filter(enrolment_id__in=[e[0] for e in enrolments]).values_list(
            "enrolment_id", "stage"
        )
    )
    for enrolment_id, user_id, created_at, ends_on in enrolments:
        with isolated("enrolment", enrolment_id, job="schedule_surveys_due"):
            planned += _impact_surveys_due(
                enrolment_id, user_id, created_at, ends_on, now, horizon, done
            )

    existing = set(
        OutboxMessage.objects.filter(
            kind="survey_due", dedupe_key__startswith="survey:"
        ).values_list("dedupe_key", flat=True)
    )
    rows = [
        OutboxMessage(
            recipient_id=user_id, kind="survey_due", due_at=due, dedupe_key=key, payload=payload
        )
        for user_id, due, key, payload in planned
        if key not in existing
    ]
    # ignore_conflicts: a run at the same moment may have added some of them.
    OutboxMessage.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)
    return len(rows)
