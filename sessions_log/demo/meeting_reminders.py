"""The outbox rows for the demo's upcoming meetings: the T-24h and T-1h reminders of both
members, keyed as sessions_log.reminders keys them, in one insert."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from accounts.models import Profile
from mentoring.demo.bulk import insert
from mentoring.lib.sql import among
from mentoring.models import OutboxMessage
from sessions_log import reminders
from sessions_log.demo.pairs import PairToSeed
from sessions_log.models import Meeting


class UpcomingMeeting(NamedTuple):
    pk: int
    pair_id: int
    starts_at: datetime


def meeting_reminders(
    upcoming: list[UpcomingMeeting], pairs: list[PairToSeed], now: datetime
) -> None:
    members = {p.pk: (p.junior_id, p.senior_id) for p in pairs}
    zones = dict(
        Profile.objects.filter(
            user_id__in=among({u for m in upcoming for u in members[m.pair_id]}, "bigint")
        ).values_list("user_id", "timezone")
    )
    rows = []
    for meeting in upcoming:
        prefix = reminders.meeting_prefix(Meeting(pk=meeting.pk))
        for person in members[meeting.pair_id]:
            zone = reminders.zone_named(zones.get(person)).key
            for label, due_at in reminders.meeting_reminder_times(meeting.starts_at, zone):
                if due_at > now:
                    rows.append(
                        (
                            person,
                            reminders.MEETING_REMINDER,
                            due_at,
                            # A new meeting's sequence is 0.
                            f"{prefix}0:{person}:{label}",
                            {"meeting_id": meeting.pk, "label": label, "sequence": 0},
                        )
                    )
    insert(
        OutboxMessage,
        ["recipient_id", "kind", "due_at", "dedupe_key", "payload"],
        rows,
        ignore_conflicts=True,
    )
