"""HR's daily digest: one email per HR admin per day listing everything waiting for them.

A re-match request, a late joiner or a freed partner schedules today's digest (the dedupe key
makes it one a day, however much happens); beat schedules it each morning while anything waits.
The email is built when sent, from what waits then (nothing waiting: nothing sent)."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from accounts.models import HR_ADMIN, User
from mentoring import outbox
from pairing.attention import attention_count
from pairing.emails import HR_DIGEST_KIND


def digest_key(user_id: int, now: datetime) -> str:
    return f"hr_digest:{user_id}:{timezone.localdate(now).isoformat()}"


def schedule_hr_digest(*, now: datetime | None = None, only_if_waiting: bool = False) -> int:
    """Today's digest row for every HR admin (once a day each). Returns the rows offered."""
    now = now or timezone.now()
    if only_if_waiting and not attention_count():
        return 0
    admins = User.objects.filter(groups__name=HR_ADMIN, is_active=True).values_list("pk", flat=True)
    return outbox.schedule_many(
        outbox.Planned(
            recipient_id=user_id,
            kind=HR_DIGEST_KIND,
            due_at=now,
            dedupe_key=digest_key(user_id, now),
            payload={"day": timezone.localdate(now).isoformat()},
        )
        for user_id in admins.distinct()
    )
