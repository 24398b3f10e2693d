"""When reminders and nudges fall due, and the services that put them in the outbox.

- Meeting reminders at T-24h and T-1h. "24h" is the same wall-clock time the day before in the
  recipient's own zone (a 09:00 London meeting the day the clocks go forward is reminded at 09:00
  the day before, 23 real hours earlier); "1h" is one real hour before.
- Quiet pairs: an active pair with no session logged for the cohort's meeting cadence, and no
  meeting booked, gets a nudge (both members, in their working hours), and HR admins get an
  alert once the nudge is a week old and the pair is still quiet. One nudge per quiet spell:
  the spell is named by the day it started (the last session, or publication), so a new session
  starts a new spell that may be nudged again.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone

from accounts.models import HR_ADMIN, User
from accounts.timezones import timezone_name_of, zone_named
from mentoring import outbox
from mentoring.lib.batch import isolated
from mentoring.models import Cohort, OutboxMessage
from pairing.models import Pair
from sessions_log.models import Meeting

MEETING_REMINDER = "meeting_reminder"
QUIET_PAIR_NUDGE = "quiet_pair_nudge"
QUIET_PAIR_HR_ALERT = "quiet_pair_hr_alert"
HR_ALERT_AFTER_DAYS = 7
WORKDAY_STARTS = time(9)
WORKDAY_ENDS = time(18)


# --- time arithmetic (pure) -------------------------------------------------------------------


def meeting_reminder_times(starts_at: datetime, tz_name: str) -> list[tuple[str, datetime]]:
    """[("24h", utc), ("1h", utc)] for a meeting starting at ``starts_at`` (aware), seen by
    somebody in ``tz_name``. "24h" keeps the local wall-clock time of the day before; if the
    clocks skipped that time, it falls just after the change. Raises ValueError on a naive
    ``starts_at`` or an unknown zone."""
    if timezone.is_naive(starts_at):
        raise ValueError("starts_at must be timezone-aware")
    try:
        zone = zoneinfo.ZoneInfo(tz_name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{tz_name!r} is not an IANA time zone name") from None
    local = starts_at.astimezone(zone)
    day_before = datetime.combine(
        local.date() - timedelta(days=1), local.time().replace(fold=0), tzinfo=zone
    )
    return [
        ("24h", day_before.astimezone(UTC)),
        ("1h", (starts_at - timedelta(hours=1)).astimezone(UTC)),
    ]


def within_working_hours(moment: datetime, zone: zoneinfo.ZoneInfo) -> datetime:
    """``moment`` if it falls on a weekday between 09:00 and 18:00 in ``zone``, else the next
    09:00 on a weekday there (UTC). Nudges should not wake anybody up."""
    local = moment.astimezone(zone)
    if local.weekday() < 5 and WORKDAY_STARTS <= local.time() < WORKDAY_ENDS:
        return moment
    day = local.date() if local.time() < WORKDAY_STARTS else local.date() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime.combine(day, WORKDAY_STARTS, tzinfo=zone).astimezone(UTC)


# --- meeting reminders ------------------------------------------------------------------------


def meeting_prefix(meeting: Meeting) -> str:
    return f"meeting:{meeting.pk}:"


@transaction.atomic
def schedule_meeting_reminders(
    *, meeting: Meeting, now: datetime | None = None
) -> list[OutboxMessage]:
    """Put the T-24h and T-1h reminders for both members in the outbox, each in their own
    zone. Call it after creating or rescheduling a meeting (bump ``meeting.sequence`` on a
    reschedule): pending rows of earlier versions are dropped first, and due times already past
    are skipped. A cancelled meeting or an ended pair gets nothing."""

    cancel_meeting_reminders(meeting=meeting)
    if meeting.status != Meeting.Status.SCHEDULED:
        return []
    members = (
        Pair.objects.filter(pk=meeting.pair_id, status=Pair.Status.ACTIVE)
        .values_list("junior__user_id", "senior__user_id")
        .first()
    )
    if members is None:
        return []
    now = now or timezone.now()
    people = User.objects.select_related("profile").filter(pk__in=members).order_by("pk")
    scheduled = []
    for person in people:
        zone = zone_named(timezone_name_of(person)).key
        for label, due_at in meeting_reminder_times(meeting.starts_at, zone):
            if due_at <= now:
                continue
            scheduled.append(
                outbox.schedule(
                    recipient=person,
                    kind=MEETING_REMINDER,
                    due_at=due_at,
                    dedupe_key=f"{meeting_prefix(meeting)}{meeting.sequence}:{person.pk}:{label}",
                    payload={
                        "meeting_id": meeting.pk,
                        "label": label,
                        "sequence": meeting.sequence,
                    },
                )
            )
    return scheduled


def cancel_meeting_reminders(*, meeting: Meeting) -> int:
    """Drop the meeting's reminders that have not gone out yet."""
    return outbox.cancel(dedupe_prefix=meeting_prefix(meeting))


# --- quiet pairs -------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuietPair:
    pair_id: int
    quiet_since: date
    days_quiet: int
    cadence_days: int
    member_zones: tuple[tuple[int, str], ...]  # (user id, time zone name) of both members


def booked(now: datetime) -> Exists:
    """Whether the pair has a meeting coming up: a pair with a date in the diary is not quiet."""
    return Exists(
        Meeting.objects.filter(
            pair=OuterRef("pk"), status=Meeting.Status.SCHEDULED, starts_at__gte=now
        )
    )


def quiet_pairs(*, now: datetime) -> list[QuietPair]:
    """Active pairs of active cohorts with no session for at least the cohort's cadence and no
    meeting booked, in one aggregate query."""

    today = timezone.localdate(now)
    rows = (
        Pair.objects.filter(
            status=Pair.Status.ACTIVE,
            cohort__status=Cohort.Status.ACTIVE,
            published_at__isnull=False,
        )
        .exclude(booked(now))
        .annotate(last_held=Max("session_logs__held_on"))
        .values_list(
            "pk",
            "published_at",
            "last_held",
            "cohort__meeting_cadence_days",
            "junior__user_id",
            "junior__user__profile__timezone",
            "senior__user_id",
            "senior__user__profile__timezone",
        )
        .order_by("pk")
    )
    found = []
    for pk, published_at, last_held, cadence, junior, junior_tz, senior, senior_tz in rows:
        with isolated("pair", pk, job="scan_quiet_pairs"):
            published_on = timezone.localdate(published_at)
            quiet_since = max(last_held, published_on) if last_held else published_on
            days = (today - quiet_since).days
            if days >= cadence:
                found.append(
                    QuietPair(
                        pair_id=pk,
                        quiet_since=quiet_since,
                        days_quiet=days,
                        cadence_days=cadence,
                        member_zones=((junior, junior_tz or ""), (senior, senior_tz or "")),
                    )
                )
    return found


def quiet_nudge_key(pair_id: int, quiet_since: date, user_id: int) -> str:
    return f"quiet:{pair_id}:{quiet_since.isoformat()}:{user_id}"


def quiet_alert_key(pair_id: int, quiet_since: date, user_id: int) -> str:
    return f"quiet-hr:{pair_id}:{quiet_since.isoformat()}:{user_id}"


def _nudged_before(found: list[QuietPair], cutoff: datetime) -> set[str]:
    """Dedupe keys of quiet-pair nudges handled by ``cutoff``, in one query."""
    if not found:
        return set()
    earliest = min(quiet.quiet_since for quiet in found)
    return set(
        OutboxMessage.objects.filter(
            kind=QUIET_PAIR_NUDGE,
            sent_at__lte=cutoff,
            due_at__gte=datetime.combine(earliest, time(0), tzinfo=UTC),
        ).values_list("dedupe_key", flat=True)
    )


def scan_quiet_pairs(*, now: datetime | None = None) -> int:
    """Nudge both members of every quiet pair once per quiet spell, in their working hours;
    alert every HR admin once a spell has lasted a week past the cadence. Safe to run as often
    as you like: dedupe keys make each row once. Returns how many rows were offered."""
    now = now or timezone.now()
    found = quiet_pairs(now=now)
    nudged_a_week_ago = _nudged_before(found, now - timedelta(days=HR_ALERT_AFTER_DAYS))
    planned: list[outbox.Planned] = []
    hr_admins: list[tuple[int, str]] | None = None
    for quiet in found:
        with isolated("pair", quiet.pair_id, job="scan_quiet_pairs"):
            rows: list[outbox.Planned] = []  # all of a pair's rows, or none of them
            payload = {"pair_id": quiet.pair_id, "quiet_since": quiet.quiet_since.isoformat()}
            for user_id, tz_name in quiet.member_zones:
                rows.append(
                    outbox.Planned(
                        recipient_id=user_id,
                        kind=QUIET_PAIR_NUDGE,
                        due_at=within_working_hours(now, zone_named(tz_name)),
                        dedupe_key=quiet_nudge_key(quiet.pair_id, quiet.quiet_since, user_id),
                        payload=payload,
                    )
                )
            # HR hears a week after the pair was nudged (or would have been: a nudge skipped
            # because someone turned nudges off counts), never at the same time.
            if any(
                quiet_nudge_key(quiet.pair_id, quiet.quiet_since, user_id) in nudged_a_week_ago
                for user_id, _ in quiet.member_zones
            ):
                if hr_admins is None:
                    hr_admins = list(
                        User.objects.filter(groups__name=HR_ADMIN, is_active=True)
                        .values_list("pk", "profile__timezone")
                        .distinct()
                    )
                for user_id, tz_name in hr_admins:
                    rows.append(
                        outbox.Planned(
                            recipient_id=user_id,
                            kind=QUIET_PAIR_HR_ALERT,
                            due_at=within_working_hours(now, zone_named(tz_name)),
                            dedupe_key=quiet_alert_key(quiet.pair_id, quiet.quiet_since, user_id),
                            payload=payload,
                        )
                    )
            planned += rows
    return outbox.schedule_many(planned)
