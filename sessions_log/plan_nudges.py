"""Pairs behind their session plan get a nudge through the outbox, by the quiet-pair rules
(sessions_log/reminders.py): both members, in their working hours, once per late step (the
dedupe key names the pair, the step and the person), never a pair with a meeting booked, never
one already nudged as quiet, and never anyone who turned nudges off (the outbox checks, and
adds the one-click unsubscribe). The hourly quiet-pair task runs the scan."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts import nudges
from mentoring import outbox
from mentoring.models import Cohort, OutboxMessage
from pairing.models import Pair
from sessions_log.plan import pair_plan
from sessions_log.plan_stats import PairOnPlan, standings
from sessions_log.reminders import booked, quiet_pairs, within_working_hours, zone_named

PLAN_BEHIND_NUDGE = "plan_behind_nudge"


def behind_key(pair_id: int, step_id: int, user_id: int) -> str:
    return f"plan-behind:{pair_id}:{step_id}:{user_id}"


def behind_pairs(*, now: datetime) -> list[tuple[int, int, tuple[tuple[int, str], ...]]]:
    """(pair id, late step id, member zones) for every active pair whose next plan step was
    due more than the grace week ago, in three queries whatever the number of pairs."""
    rows = list(
        Pair.objects.filter(
            status=Pair.Status.ACTIVE,
            cohort__status=Cohort.Status.ACTIVE,
            published_at__isnull=False,
            cohort__programme__plan_steps__isnull=False,
        )
        .exclude(booked(now))
        .distinct()
        .values_list(
            "pk",
            "published_at",
            "cohort__starts_on",
            "cohort__programme_id",
            "junior__user_id",
            "junior__user__profile__timezone",
            "senior__user_id",
            "senior__user__profile__timezone",
        )
        .order_by("pk")
    )
    found = standings(
        (
            PairOnPlan(pk, published, starts, programme)
            for pk, published, starts, programme, *_ in rows
            if published is not None  # always: the query keeps published pairs only
        ),
        today=timezone.localdate(now),
    )
    behind: list[tuple[int, int, tuple[tuple[int, str], ...]]] = []
    for pk, _, _, _, junior, junior_tz, senior, senior_tz in rows:
        standing = found.get(pk)
        if standing is None or standing.status != "behind":
            continue
        assert standing.step_id is not None  # a pair is behind on its next step
        behind.append(
            (pk, standing.step_id, ((junior, junior_tz or ""), (senior, senior_tz or "")))
        )
    return behind


def scan_behind_pairs(*, now: datetime | None = None) -> int:
    """Offer a nudge row for both members of every pair behind its plan; dedupe keys make
    each row once, so this is safe to run as often as you like."""
    now = now or timezone.now()
    quiet = {q.pair_id for q in quiet_pairs(now=now)}  # the quiet nudge already says "meet"
    planned = [
        outbox.Planned(
            recipient_id=user_id,
            kind=PLAN_BEHIND_NUDGE,
            due_at=within_working_hours(now, zone_named(tz_name)),
            dedupe_key=behind_key(pair_id, step_id, user_id),
            payload={"pair_id": pair_id, "step_id": step_id},
        )
        for pair_id, step_id, zones in behind_pairs(now=now)
        if pair_id not in quiet
        for user_id, tz_name in zones
    ]
    return outbox.schedule_many(planned)


@outbox.register(PLAN_BEHIND_NUDGE, nudge=True)
def plan_behind_nudge(reminder: OutboxMessage) -> outbox.Email | None:
    """Built at send time: nothing goes if the pair has ended, booked a meeting, or moved on
    from the late step since the row was made."""
    sent_at = outbox.now()
    pair = (
        Pair.objects.select_related(
            "cohort__programme", "junior__user__profile", "senior__user__profile"
        )
        .filter(
            pk=reminder.payload.get("pair_id"),
            status=Pair.Status.ACTIVE,
            cohort__status=Cohort.Status.ACTIVE,
        )
        .annotate(booked=booked(sent_at))
        .first()
    )
    recipient = reminder.recipient
    if pair is None or pair.booked or not pair.involves(recipient):
        return None
    plan = pair_plan(pair, recipient, today=timezone.localdate(sent_at))
    nxt = plan.next_step
    if nxt is None or nxt.step.pk != reminder.payload.get("step_id") or not plan.behind:
        return None
    return outbox.render_email(
        PLAN_BEHIND_NUDGE,
        {
            "recipient": recipient,
            "partner": pair.partner_of(recipient),
            "next_step": nxt,
            "plan": plan,
            "pair_url": settings.SITE_URL + reverse("sessions_log:pair", args=[pair.pk]) + "#plan",
            "unsubscribe_url": nudges.unsubscribe_url(recipient),
            "preferences_url": settings.SITE_URL + reverse("sessions_log:nudges"),
        },
    )
