"""The demo's bulk insert gives the rows bulk_create would: the values given, every other
column its field's default (a fresh one per row where the default is a callable), and the ids
in order when asked; with ignore_conflicts, rows already there are skipped."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from accounts.models import User
from mentoring.demo.bulk import insert
from mentoring.models import OutboxMessage
from sessions_log.models import Meeting
from tests import factories

pytestmark = pytest.mark.django_db


def test_rows_get_their_values_the_defaults_and_their_ids_in_order():
    pair = factories.PairFactory()
    starts = [datetime(2026, 3, day, 9, tzinfo=UTC) for day in (2, 3, 4)]
    ids = insert(
        Meeting,
        ["pair_id", "starts_at", "location"],
        [(pair.pk, at, f"Room {i}") for i, at in enumerate(starts)],
        returning_ids=True,
    )
    meetings = list(Meeting.objects.filter(pk__in=ids).order_by("pk"))
    assert [m.pk for m in meetings] == ids == sorted(ids)
    assert [(m.starts_at, m.location) for m in meetings] == [
        (at, f"Room {i}") for i, at in enumerate(starts)
    ]
    assert {m.duration_minutes for m in meetings} == {45}  # the field's default
    assert {m.status for m in meetings} == {"scheduled"}
    assert len({m.uid for m in meetings}) == 3  # a callable default is called per row
    assert all(m.created_at and m.updated_at for m in meetings)


def test_conflicting_rows_are_skipped_and_json_is_stored_as_json():
    person = factories.UserFactory(email="already@example.com")
    insert(
        User,
        ["email", "password"],
        [("already@example.com", "x"), ("new@example.com", "x")],
        ignore_conflicts=True,
    )
    assert User.objects.filter(email__in=["already@example.com", "new@example.com"]).count() == 2
    assert User.objects.get(email="already@example.com").password == person.password
    due = datetime(2026, 3, 2, 9, tzinfo=UTC)
    rows = [(person.pk, "meeting_reminder", due, "demo:1", {"meeting_id": 1, "label": "1h"})]
    insert(
        OutboxMessage,
        ["recipient_id", "kind", "due_at", "dedupe_key", "payload"],
        rows,
        ignore_conflicts=True,
    )
    insert(
        OutboxMessage,
        ["recipient_id", "kind", "due_at", "dedupe_key", "payload"],
        rows,
        ignore_conflicts=True,
    )
    message = OutboxMessage.objects.get(dedupe_key="demo:1")
    assert message.payload == {"meeting_id": 1, "label": "1h"}


def test_ids_cannot_be_asked_for_rows_that_may_be_skipped():
    with pytest.raises(ValueError, match="skipped"):
        insert(User, ["email"], [("a@example.com",)], ignore_conflicts=True, returning_ids=True)
