"""Everything the pair page shows, read for one of the two partners."""

from __future__ import annotations

import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from accounts.models import User
from mentoring.models import Cohort, Enrolment
from pairing.models import Pair
from sessions_log import services
from sessions_log.models import (
    AgreementAcceptance,
    FitCheck,
    Goal,
    ImpactSurvey,
    Meeting,
    Pulse,
    Reflection,
)
from sessions_log.selectors.history import (
    HISTORY_LIMIT,
    Balance,
    HistoryEntry,
    balance,
    balance_of,
    session_history,
)
from sessions_log.selectors.log_form import loggable_meetings
from sessions_log.selectors.members import zone_of

UPCOMING_SHOWN = 20


@dataclass
class PairPage:
    pair: Pair
    viewer: User
    partner: User
    zone: zoneinfo.ZoneInfo
    acceptances: list[AgreementAcceptance]
    upcoming: Sequence[Meeting]
    history: list[HistoryEntry]
    balance: Balance
    my_goals: list[Goal]
    partner_goals: list[Goal]
    fit_check: FitCheck | None
    fit_check_open: bool
    pulse_period: int | None
    pulse: Pulse | None
    impact_stage: str | None
    impact_answered: bool
    my_enrolment: Enrolment
    reflection_open: bool
    my_reflection: Reflection | None
    partner_thank_you: str
    # Meetings that have started, newest first, ``logged`` marked (selectors.loggable_meetings):
    # the page asks to log the latest five not logged yet.
    loggable: Sequence[Meeting] = ()
    to_log: list[Meeting] = field(default_factory=list)

    @property
    def accepted_ids(self) -> set[int]:
        return {a.user_id for a in self.acceptances}

    @property
    def viewer_accepted(self) -> bool:
        return self.viewer.pk in self.accepted_ids

    @property
    def partner_accepted(self) -> bool:
        return self.partner.pk in self.accepted_ids

    @property
    def agreement_complete(self) -> bool:
        return self.viewer_accepted and self.partner_accepted

    @property
    def is_open(self) -> bool:
        return pair_is_open(self.pair)


def pair_is_open(pair: Pair) -> bool:
    """Sessions can still be logged: the pair is active and its cohort has not closed."""
    return pair.status == Pair.Status.ACTIVE and pair.cohort.status != Cohort.Status.CLOSED


def pair_page(pair: Pair, viewer: User, now: datetime | None = None) -> PairPage:
    """One read per kind of row (every page view of a pair runs this): the balance comes from
    the history when it holds every session, the meetings to log from the form's own list,
    both reflections from one read."""
    now = now or timezone.now()
    goals = list(Goal.objects.filter(pair=pair))
    my_enrolment = pair.junior if pair.junior.user_id == viewer.pk else pair.senior
    if my_enrolment.cohort_id == pair.cohort_id:
        my_enrolment.cohort = pair.cohort  # already read with the pair
    logs = session_history(pair, viewer, HISTORY_LIMIT)
    impact_stage = services.open_impact_stage(my_enrolment)
    period = services.current_pulse_period(pair, now)
    # Upcoming meetings and those to log in one read (a pair has a few dozen a year).
    meetings = list(loggable_meetings(pair, now, with_upcoming=True))
    loggable = [m for m in meetings if m.starts_at <= now]
    upcoming = [m for m in reversed(meetings) if m.starts_at >= now][:UPCOMING_SHOWN]
    reflections = list(Reflection.objects.filter(pair=pair).order_by("pk"))
    # Only the partner's thank-you, never their reflection.
    partners = [r.thank_you for r in reflections if r.author_id != viewer.pk]
    return PairPage(
        pair=pair,
        viewer=viewer,
        partner=pair.partner_of(viewer),
        zone=zone_of(viewer),
        acceptances=list(AgreementAcceptance.objects.filter(pair=pair)),
        upcoming=upcoming,
        history=logs,
        balance=balance_of(logs) if len(logs) < HISTORY_LIMIT else balance(pair),
        my_goals=[g for g in goals if g.owner_id == viewer.pk],
        partner_goals=[g for g in goals if g.owner_id != viewer.pk],
        fit_check=FitCheck.objects.filter(pair=pair, respondent=viewer).first(),
        fit_check_open=bool(logs),
        pulse_period=period,
        pulse=(
            Pulse.objects.filter(pair=pair, respondent=viewer, period=period).first()
            if period is not None
            else None
        ),
        impact_stage=impact_stage,
        impact_answered=bool(impact_stage)
        and ImpactSurvey.objects.filter(enrolment=my_enrolment, stage=impact_stage).exists(),
        my_enrolment=my_enrolment,
        reflection_open=services.reflection_open(pair),
        my_reflection=next((r for r in reflections if r.author_id == viewer.pk), None),
        partner_thank_you=(partners[0] if partners else "") or "",
        loggable=loggable,
        to_log=[m for m in loggable[:5] if not m.logged],
    )
