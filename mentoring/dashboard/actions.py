"""What HR can do from the dashboard's pairs-at-risk list."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.timezones import zone_named
from mentoring import outbox
from mentoring.models import OutboxMessage
from pairing.models import Pair
from sessions_log.reminders import QUIET_PAIR_NUDGE, quiet_nudge_key, within_working_hours


@transaction.atomic
def nudge_quiet_pair(*, pair: Pair) -> int:
    """Queue the quiet-pair nudge for both members now (in their working hours). The dedupe
    key is the one the daily scan uses for this quiet spell, so a second click, a second tab or
    the scan itself adds nothing: each person hears once per spell. Returns how many people
    were newly nudged (0: both already were, this spell)."""
    last = pair.session_logs.aggregate(last=Max("held_on"))["last"]
    quiet_since = last or timezone.localdate(pair.published_at)
    now = timezone.now()
    payload = {"pair_id": pair.pk, "quiet_since": quiet_since.isoformat()}
    members = [
        (enrolment.user_id, getattr(enrolment.user.profile, "timezone", ""))
        for enrolment in (pair.junior, pair.senior)
    ]
    keys = [quiet_nudge_key(pair.pk, quiet_since, user_id) for user_id, _ in members]
    before = OutboxMessage.objects.filter(dedupe_key__in=keys).count()
    outbox.schedule_many(
        outbox.Planned(
            recipient_id=user_id,
            kind=QUIET_PAIR_NUDGE,
            due_at=within_working_hours(now, zone_named(tz_name or "")),
            dedupe_key=quiet_nudge_key(pair.pk, quiet_since, user_id),
            payload=payload,
        )
        for user_id, tz_name in members
    )
    return OutboxMessage.objects.filter(dedupe_key__in=keys).count() - before
