"""A pair with a life behind it: sessions, notes on both sides, goals, answers, reflections,
emails and an audit entry, so a download and an erasure have something to find."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from accounts.models import User
from mentoring.audit.services import record
from mentoring.models import OutboxMessage
from sessions_log.models import Reflection
from tests.factories import ProfileSkillFactory, SkillFactory
from tests.sessions_log.pair_factories import (
    FitCheckFactory,
    GoalFactory,
    MeetingFactory,
    PrivateNoteFactory,
    PulseFactory,
    SessionLogFactory,
)

JUNIOR_NOTE = "Asha's private worry about the reorg"
SENIOR_NOTE = "Robert's private thought on delegation"


@dataclass
class History:
    cast: object
    session_minutes: int


@pytest.fixture
def history(cast) -> History:
    pair, junior, senior = cast.pair, cast.junior, cast.senior
    junior.profile.hopes = "Asha hopes to learn strategy"
    junior.profile.job_title = "Data analyst"
    junior.profile.save()
    ProfileSkillFactory(profile=junior.profile, skill=SkillFactory(name="TikTok"), level=3)
    MeetingFactory(pair=pair, proposed_by=junior, location="Asha Junior's desk")
    log = SessionLogFactory(
        pair=pair, logged_by=junior, minutes=50, shared_summary="Asha Junior showed prompts"
    )
    other = SessionLogFactory(
        pair=pair, logged_by=senior, minutes=40, shared_summary="Robert explained budgets"
    )
    PrivateNoteFactory(session_log=log, author=junior, body=JUNIOR_NOTE)
    PrivateNoteFactory(session_log=log, author=senior, body=SENIOR_NOTE)
    GoalFactory(
        pair=pair,
        owner=junior,
        direction="forward",
        title="Asha wants to pitch",
        due_on=date(2026, 9, 30),
        progress=40,
    )
    GoalFactory(pair=pair, owner=senior, direction="reverse", title="Use Copilot daily")
    FitCheckFactory(pair=pair, respondent=junior, comment="Asha finds this useful")
    PulseFactory(pair=pair, respondent=junior, comment="Asha: going well")
    Reflection.objects.create(
        pair=pair, author=junior, reflection="Asha reflects", thank_you="Thanks Robert!"
    )
    Reflection.objects.create(
        pair=pair, author=senior, reflection="Robert reflects", thank_you="Thank you Asha Junior"
    )
    OutboxMessage.objects.create(
        recipient=junior,
        kind="invitation",
        due_at=timezone.now(),
        dedupe_key=f"invitation:{pair.junior_id}",
        payload={"enrolment": pair.junior_id},
        sent_at=timezone.now(),
    )
    record(actor=cast.hr, action="invitation.resent", target="enrolment 1", subject=junior)
    record(actor=junior, action="export.downloaded", target="cohort autumn")
    LogEntry.objects.create(
        user=cast.hr,
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(junior.pk),
        object_repr=str(junior),
        action_flag=ADDITION,
        change_message="Added junior@example.com",
    )
    other.refresh_from_db()
    return History(cast=cast, session_minutes=90)
