"""A create form submitted twice (double click, a second tab, a browser retry) creates one row:
one session log, one meeting with one invite each, one goal. The second submit lands where the
first did."""

from __future__ import annotations

import re
import uuid

import pytest
from django.core import mail
from django.utils import timezone

from mentoring import outbox
from sessions_log.models import Goal, Meeting, PrivateNote, SessionLog
from tests.sessions_log import pair_factories
from tests.sessions_log.pair_factories import both_accept
from tests.sessions_log.test_meetings import _future

pytestmark = pytest.mark.django_db
login = pair_factories.login


def _token(page: str, action: str | None = None) -> str:
    """The one-time token of the form posting to ``action`` (or the page's only form), as the
    browser would send it."""
    form = page
    if action:
        form = page[page.index(f'action="{action}"') :]
        form = form[: form.index("</form>")]
    return re.search(r'name="form_token" value="([0-9a-f-]{36})"', form).group(1)


def test_a_session_log_submitted_twice_is_logged_once(cast, login):
    client = login(cast.junior)
    action = f"/sessions/pair/{cast.pair.pk}/logs/"
    data = {
        "form_token": _token(
            client.get(f"/sessions/pair/{cast.pair.pk}/logs/new/").content.decode(), action
        ),
        "held_on": timezone.localdate().isoformat(),
        "minutes": 50,
        "direction": "reverse",
        "shared_summary": "Reels, explained twice by a double click.",
        "private_note": "Went well.",
    }
    first = client.post(action, data)
    second = client.post(action, data)
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"] == f"/sessions/pair/{cast.pair.pk}/#sessions"
    assert SessionLog.objects.count() == 1 and PrivateNote.objects.count() == 1
    # The same over htmx: the second answer shows the one entry, not an error.
    response = client.post(action, data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response.content.decode().count("Reels, explained twice by a double click.") == 1
    assert SessionLog.objects.count() == 1


def test_the_next_log_form_has_a_new_token_so_a_second_session_is_logged(cast, login):
    client = login(cast.junior)
    action = f"/sessions/pair/{cast.pair.pk}/logs/"
    for summary in ("First session", "Second session"):
        page = client.get(f"/sessions/pair/{cast.pair.pk}/logs/new/").content.decode()
        data = {
            "form_token": _token(page, action),
            "held_on": timezone.localdate().isoformat(),
            "minutes": 30,
            "direction": "both",
            "shared_summary": summary,
        }
        assert client.post(action, data).status_code == 302
    assert SessionLog.objects.count() == 2


def test_a_meeting_submitted_twice_is_scheduled_once_with_one_invite_each(cast, login):
    both_accept(cast.pair)
    client = login(cast.senior)
    action = f"/sessions/pair/{cast.pair.pk}/meetings/new/"
    data = {
        "form_token": _token(client.get(action).content.decode()),
        "starts_at": _future(),
        "duration_minutes": 45,
        "location": "Café, floor 2",
    }
    assert client.post(action, data).status_code == 302
    assert client.post(action, data).status_code == 302
    assert Meeting.objects.count() == 1
    outbox.send_due()
    invites = sorted(m.to[0] for m in mail.outbox if "Meeting with" in m.subject)
    assert invites == ["junior@example.com", "senior@example.com"]


def test_a_goal_submitted_twice_is_added_once(cast, login):
    client = login(cast.senior)
    action = f"/sessions/pair/{cast.pair.pk}/goals/"
    form = client.get(f"/sessions/pair/{cast.pair.pk}/goals/new/").content.decode()
    data = {"form_token": _token(form, action), "title": "Post on LinkedIn", "progress_note": ""}
    assert client.post(action, data).status_code == 302
    assert client.post(action, data).status_code == 302
    assert list(Goal.objects.values_list("title", flat=True)) == ["Post on LinkedIn"]


def test_a_token_is_no_key_to_another_pairs_rows(cast, login):
    """Re-using a token seen elsewhere cannot reach or suppress another pair's row."""
    token = str(uuid.uuid4())
    other = pair_factories.GoalFactory()
    Goal.objects.filter(pk=other.pk).update(form_token=token)
    client = login(cast.senior)
    response = client.post(
        f"/sessions/pair/{cast.pair.pk}/goals/", {"form_token": token, "title": "Mine"}
    )
    assert response.status_code == 302
    assert Goal.objects.filter(pair=cast.pair, title="Mine").exists()


def test_a_form_without_or_with_a_mangled_token_still_works(cast, login):
    client = login(cast.senior)
    for token in ("", "not-a-token"):
        response = client.post(
            f"/sessions/pair/{cast.pair.pk}/goals/", {"form_token": token, "title": "Plain"}
        )
        assert response.status_code == 302
    assert Goal.objects.filter(title="Plain").count() == 2


def test_moving_a_meeting_submitted_twice_sends_one_updated_invite(cast, login):
    both_accept(cast.pair)
    meeting = pair_factories.MeetingFactory(pair=cast.pair)
    client = login(cast.junior)
    data = {"starts_at": _future(days=6), "duration_minutes": 30, "location": "Room 4"}
    for _ in range(2):
        assert client.post(f"/sessions/meetings/{meeting.pk}/edit/", data).status_code == 302
    meeting.refresh_from_db()
    assert meeting.sequence == 1 and meeting.location == "Room 4"
    outbox.send_due()
    updates = sorted(m.to[0] for m in mail.outbox if "Meeting moved" in m.subject)
    assert updates == ["junior@example.com", "senior@example.com"]
