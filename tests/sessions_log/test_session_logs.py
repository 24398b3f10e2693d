import re
from datetime import timedelta

import pytest
from django.utils import timezone

from mentoring.models import OutboxMessage
from sessions_log.models import PrivateNote, SessionLog
from tests import factories
from tests.sessions_log import pair_factories
from tests.sessions_log.pair_factories import MeetingFactory, PrivateNoteFactory, SessionLogFactory

pytestmark = pytest.mark.django_db
login = pair_factories.login


def _log(client, pair, *, htmx: bool = False, **overrides):
    data = {
        "held_on": timezone.localdate().isoformat(),
        "minutes": 50,
        "direction": "reverse",
        "shared_summary": "We set up a TikTok account together.",
        "private_note": "I was worried I would sound patronising.",
    }
    data.update(overrides)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(f"/sessions/pair/{pair.pk}/logs/", data, **headers)


def test_an_htmx_log_returns_only_the_sessions_section_with_the_new_entry(cast, login):
    tiktok = factories.SkillFactory(name="TikTok")
    response = _log(login(cast.junior), cast.pair, htmx=True, other_skills_reverse="TikTok")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="sessions"') and "<html" not in html
    assert "We set up a TikTok account together." in html
    assert "I was worried I would sound patronising." in html
    assert "Session logged." in html
    # The balance card elsewhere on the page is refreshed out of band.
    assert '<article id="balance" aria-labelledby="balance-heading" hx-swap-oob="true">' in html
    assert "100% / 0%" in html
    log = SessionLog.objects.get()
    assert (log.minutes, log.direction, log.logged_by) == (50, "reverse", cast.junior)
    assert list(log.skills_reverse.all()) == [tiktok]
    assert not log.skills_forward.exists()
    assert PrivateNote.objects.get().author == cast.junior


def test_logging_without_javascript_redirects_back_to_the_pair_page(cast, login):
    response = _log(login(cast.senior), cast.pair, direction="both")
    assert response.status_code == 302
    assert response["Location"] == f"/sessions/pair/{cast.pair.pk}/#sessions"
    assert SessionLog.objects.get().logged_by == cast.senior


def test_the_pairs_own_skills_are_offered_first(cast, login):
    skill = factories.SkillFactory(name="Negotiation")
    factories.ProfileSkillFactory(profile=cast.senior.profile, skill=skill, kind="teach")
    page = login(cast.junior).get(f"/sessions/pair/{cast.pair.pk}/logs/new/").content.decode()
    assert 'name="skills_forward"' in page and "Negotiation" in page
    _log(login(cast.junior), cast.pair, direction="forward", skills_forward=[skill.pk])
    assert list(SessionLog.objects.get().skills_forward.all()) == [skill]


@pytest.mark.parametrize(
    "overrides,error",
    [
        # Days from today, turned into dates when the test runs: dates computed at collection
        # went stale when a run crossed midnight ("tomorrow" had become today).
        ({"held_on": 1}, "in the future"),
        ({"held_on": -1}, "The cohort started on"),
        ({"minutes": 0}, "greater than or equal to 1"),
        ({"minutes": 601}, "less than or equal to 600"),
        ({"minutes": "lots"}, "Enter a whole number"),
        ({"direction": "sideways"}, "Select a valid choice"),
        ({"held_on": "yesterday"}, "Enter a valid date"),
        ({"other_skills_reverse": "Juggling"}, "No skill is called “Juggling”"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_saved(cast, login, overrides, error):
    if isinstance(overrides.get("held_on"), int):
        days = overrides["held_on"]
        overrides = {"held_on": (timezone.localdate() + timedelta(days=days)).isoformat()}
    response = _log(login(cast.junior), cast.pair, htmx=True, **overrides)
    assert error in response.content.decode()
    assert not SessionLog.objects.exists() and not PrivateNote.objects.exists()


def test_a_meeting_can_be_logged_once_only(cast, login):
    meeting = MeetingFactory(pair=cast.pair, starts_at=timezone.now() - timedelta(hours=2))
    assert _log(login(cast.junior), cast.pair, meeting=meeting.pk).status_code == 302
    client = login(cast.senior)
    form = client.get(f"/sessions/pair/{cast.pair.pk}/logs/new/").content.decode()
    assert "(already logged)" in form
    response = _log(client, cast.pair, htmx=True, meeting=meeting.pk)
    assert "That meeting has already been logged" in response.content.decode()
    assert SessionLog.objects.count() == 1


def test_only_the_author_can_edit_or_delete_a_log(cast, login):
    log = SessionLogFactory(pair=cast.pair, logged_by=cast.junior, minutes=30)
    client = login(cast.senior)
    assert client.get(f"/sessions/logs/{log.pk}/edit/").status_code == 404
    assert (
        client.post(
            f"/sessions/logs/{log.pk}/edit/",
            {"held_on": log.held_on.isoformat(), "minutes": 99, "direction": "forward"},
        ).status_code
        == 404
    )
    assert client.post(f"/sessions/logs/{log.pk}/delete/").status_code == 404
    log.refresh_from_db()
    assert log.minutes == 30

    client.force_login(cast.junior)
    response = client.post(
        f"/sessions/logs/{log.pk}/edit/",
        {
            "held_on": log.held_on.isoformat(),
            "minutes": 75,
            "direction": "forward",
            "shared_summary": "Edited.",
            "private_note": "Mine.",
        },
    )
    assert response.status_code == 302
    log.refresh_from_db()
    assert (log.minutes, log.direction, log.shared_summary) == (75, "forward", "Edited.")
    assert PrivateNote.objects.get(session_log=log).body == "Mine."
    assert client.post(f"/sessions/logs/{log.pk}/delete/").status_code == 302
    assert not SessionLog.objects.exists() and not PrivateNote.objects.exists()


def test_each_partner_keeps_their_own_private_note_on_a_session(cast, login):
    log = SessionLogFactory(pair=cast.pair, logged_by=cast.junior)
    PrivateNoteFactory(session_log=log, author=cast.junior, body="Junior's secret")
    client = login(cast.senior)
    form = client.get(f"/sessions/logs/{log.pk}/note/").content.decode()
    assert "Junior&#x27;s secret" not in form and "Junior's secret" not in form
    client.post(f"/sessions/logs/{log.pk}/note/", {"body": "Senior's secret"})
    notes = dict(PrivateNote.objects.values_list("author__email", "body"))
    assert notes == {
        "junior@example.com": "Junior's secret",
        "senior@example.com": "Senior's secret",
    }
    # Emptying your note deletes it and leaves the partner's alone.
    client.post(f"/sessions/logs/{log.pk}/note/", {"body": "  "})
    assert list(PrivateNote.objects.values_list("author__email", flat=True)) == [
        "junior@example.com"
    ]


def test_the_first_logged_session_schedules_the_fit_check_for_both(cast, login):
    _log(login(cast.junior), cast.pair)
    _log(login(cast.junior), cast.pair)
    rows = OutboxMessage.objects.filter(kind="fit_check_due")
    assert sorted(rows.values_list("dedupe_key", flat=True)) == sorted(
        f"fitcheck:{cast.pair.pk}:{u.pk}" for u in (cast.junior, cast.senior)
    )
    assert all(r.due_at <= timezone.now() for r in rows)


def test_outsiders_cannot_log_for_a_pair(cast, login):
    for person in (cast.outsider, cast.hr, cast.manager):
        assert _log(login(person), cast.pair).status_code == 404
    assert not SessionLog.objects.exists()


def test_a_closed_cohort_is_read_only(cast, login):
    cast.cohort.status = "closed"
    cast.cohort.save()
    response = _log(login(cast.junior), cast.pair, htmx=True)
    assert "This cohort has closed" in response.content.decode()
    assert not SessionLog.objects.exists()


def test_editing_a_log_can_remove_one_of_the_pairs_skills(cast, login):
    mine = factories.SkillFactory(name="TikTok")
    factories.ProfileSkillFactory(profile=cast.junior.profile, skill=mine, kind="teach")
    other = factories.SkillFactory(name="Podcasting")
    log = SessionLogFactory(pair=cast.pair, logged_by=cast.junior)
    log.skills_reverse.set([mine, other])
    client = login(cast.junior)
    form = client.get(f"/sessions/logs/{log.pk}/edit/").content.decode()
    assert re.search(rf'<input[^>]*name="skills_reverse"[^>]*value="{mine.pk}"[^>]*checked', form)
    assert 'name="other_skills_reverse" value="Podcasting"' in form
    client.post(
        f"/sessions/logs/{log.pk}/edit/",
        {
            "held_on": log.held_on.isoformat(),
            "minutes": 60,
            "direction": "reverse",
            "other_skills_reverse": "Podcasting",
        },
    )
    assert list(log.skills_reverse.all()) == [other]


def test_a_meeting_that_happened_offers_a_prefilled_log(cast, login):
    meeting = MeetingFactory(
        pair=cast.pair, starts_at=timezone.now() - timedelta(hours=1), duration_minutes=75
    )
    client = login(cast.senior)
    page = client.get(f"/sessions/pair/{cast.pair.pk}/").content.decode()
    assert f'href="?log_meeting={meeting.pk}#sessions"' in page
    page = client.get(f"/sessions/pair/{cast.pair.pk}/?log_meeting={meeting.pk}").content.decode()
    assert re.search(rf'<option value="{meeting.pk}" selected>', page)
    assert 'name="minutes" value="75"' in page and "<details open>" in page
    _log(client, cast.pair, meeting=meeting.pk)
    page = client.get(f"/sessions/pair/{cast.pair.pk}/?log_meeting={meeting.pk}").content.decode()
    assert "log_meeting=" not in page and "<details open>" not in page
    assert client.get(f"/sessions/pair/{cast.pair.pk}/?log_meeting=abc").status_code == 200
