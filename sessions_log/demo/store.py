"""Writes the demo pairs' histories (history.py) in bulk: COPY on PostgreSQL, bulk_create
elsewhere (mentoring.demo.bulk), in the order the rows refer to each other."""

from __future__ import annotations

import random
from datetime import datetime

from django.db.models import OuterRef, Subquery

from mentoring.demo.bulk import insert
from mentoring.lib.sql import among
from pairing.models import Pair
from sessions_log import plan_demo
from sessions_log.demo.history import History
from sessions_log.demo.meeting_reminders import UpcomingMeeting, meeting_reminders
from sessions_log.demo.pairs import PairToSeed
from sessions_log.models import (
    AgreementAcceptance,
    FitCheck,
    Goal,
    Meeting,
    PrivateNote,
    Pulse,
    SessionLog,
)


def store(history: History, pairs: list[PairToSeed], rng: random.Random, now: datetime) -> None:
    insert(AgreementAcceptance, ["pair_id", "user_id"], history.acceptances)
    # Accepted when the pair was published, not when the demo was seeded.
    AgreementAcceptance.objects.filter(pair_id__in=among([p.pk for p in pairs], "bigint")).update(
        accepted_at=Subquery(Pair.objects.filter(pk=OuterRef("pair_id")).values("published_at")[:1])
    )
    insert(
        Goal,
        ["pair_id", "owner_id", "direction", "title", "progress_note", "status"],
        history.goals,
    )
    meeting_ids = insert(
        Meeting,
        ["pair_id", "starts_at", "location", "duration_minutes", "proposed_by_id"],
        [
            (m.pair_id, m.starts_at, m.location, m.duration_minutes, m.proposed_by_id)
            for m in history.meetings
        ],
        returning_ids=True,
    )
    log_ids = insert(
        SessionLog,
        [
            "pair_id",
            "held_on",
            "logged_by_id",
            "minutes",
            "direction",
            "shared_summary",
            "meeting_id",
        ],
        [
            (
                log.pair_id,
                log.held_on,
                log.logged_by_id,
                log.minutes,
                log.direction,
                log.shared_summary,
                meeting_ids[log.meeting],
            )
            for log in history.logs
        ],
        returning_ids=True,
    )
    for way in ("reverse", "forward"):
        insert(
            getattr(SessionLog, f"skills_{way}").through,
            ["sessionlog_id", "skill_id"],
            [
                (log_id, skill)
                for log_id, log in zip(log_ids, history.logs, strict=True)
                for skill, skill_way in log.skills
                if skill_way == way
            ],
        )
    insert(
        PrivateNote,
        ["session_log_id", "author_id", "body"],
        [
            (log_id, author, body)
            for log_id, log in zip(log_ids, history.logs, strict=True)
            for author, body in log.notes
        ],
    )
    insert(FitCheck, ["pair_id", "respondent_id", "answer"], history.fit_checks)
    insert(Pulse, ["pair_id", "respondent_id", "period", "score", "comment"], history.pulses)
    plan_demo.seed_plan_progress(
        # What the plan's ticks read of each log: which pair, when, who logged it.
        [
            SessionLog(
                pk=log_id, pair_id=log.pair_id, held_on=log.held_on, logged_by_id=log.logged_by_id
            )
            for log_id, log in zip(log_ids, history.logs, strict=True)
        ],
        {p.pk: p.cohort_id for p in pairs},
        {p.pk: (p.junior_id, p.senior_id) for p in pairs},
        rng,
    )
    meeting_reminders(
        [
            UpcomingMeeting(pk, m.pair_id, m.starts_at)
            for pk, m in zip(meeting_ids, history.meetings, strict=True)
            if m.starts_at > now
        ],
        pairs,
        now,
    )
