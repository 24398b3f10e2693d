"""The pair's journey along its programme's session plan."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from mentoring import outbox
from mentoring.models import OutboxMessage, PlanStep
from pairing.models import Pair
from sessions_log import plan_nudges
from sessions_log.models import SessionLog
from sessions_log.plan import pair_plan
from sessions_log.plan_models import PairStepProgress
from tests import factories
from tests.sessions_log.pair_factories import MeetingFactory, SessionLogFactory, both_accept

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def steps(cast) -> list[PlanStep]:
    programme = cast.cohort.programme
    programme.junior_guide = "Intimidation is normal: prepare one thing."
    programme.senior_guide = "Listen first and keep the dates."
    programme.save()
    return [
        PlanStep.objects.create(
            programme=programme,
            position=1,
            kind="kickoff",
            title="Kick-off",
            due_week=0,
            junior_prompts="Say what you use every day",
            senior_prompts="Say what puzzles you",
        ),
        PlanStep.objects.create(
            programme=programme,
            position=2,
            title="Social media in practice",
            topic="Social media",
            due_week=2,
            junior_prompts="Open LinkedIn together",
            senior_prompts="How messages are approved",
        ),
        PlanStep.objects.create(
            programme=programme, position=3, kind="close", title="Close", due_week=8
        ),
    ]


def _plan(pair, **kwargs):
    """The plan as a fresh request reads it (a pair object keeps its plan for its request)."""
    return pair_plan(Pair.objects.get(pk=pair.pk), **kwargs)


def _published_days_ago(pair, days: int) -> None:
    pair.published_at = timezone.now() - timedelta(days=days)
    pair.save(update_fields=["published_at"])
    pair.cohort.starts_on = None
    pair.cohort.save(update_fields=["starts_on"])


def _log(client, pair, **extra):
    data = {
        "held_on": timezone.localdate().isoformat(),
        "minutes": 50,
        "direction": "both",
        "shared_summary": "",
        "private_note": "",
    }
    data.update(extra)
    return client.post(f"/sessions/pair/{pair.pk}/logs/", data, **extra.pop("headers", {}))


def test_the_pair_page_shows_the_next_step_its_agenda_and_the_guide(cast, login, steps):
    page = login(cast.junior).get(f"/sessions/pair/{cast.pair.pk}/").content.decode()
    assert "Step 1 of 3" in page
    assert "Next: Kick-off" in page
    assert "Say what you use every day" in page and "Say what puzzles you" in page
    assert "On track" in page
    assert "Intimidation is normal" in page and "Listen first" not in page


def test_the_senior_sees_their_own_guide_until_the_first_session(cast, login, steps):
    client = login(cast.senior)
    assert "Listen first" in client.get(f"/sessions/pair/{cast.pair.pk}/").content.decode()
    SessionLogFactory(pair=cast.pair, logged_by=cast.junior)
    page = client.get(f"/sessions/pair/{cast.pair.pk}/").content.decode()
    assert "Listen first" not in page
    guide = client.get(f"/sessions/pair/{cast.pair.pk}/guide/").content.decode()
    assert "Listen first" in guide and "Open LinkedIn together" in guide


def test_logging_a_session_ticks_the_next_step_by_default(cast, login, steps):
    client = login(cast.junior)
    form = client.get(f"/sessions/pair/{cast.pair.pk}/logs/new/").content.decode()
    assert "covered a step of our plan" in form
    response = _log(client, cast.pair, tick_plan_step="on", plan_step=str(steps[0].pk))
    assert response.status_code == 302
    row = PairStepProgress.objects.get(pair=cast.pair)
    assert (row.step, row.state, row.by) == (steps[0], "done", cast.junior)
    assert row.session_log == SessionLog.objects.get()
    page = client.get(f"/sessions/pair/{cast.pair.pk}/").content.decode()
    assert "Step 2 of 3" in page and "Next: Social media in practice" in page


def test_logging_with_htmx_updates_the_plan_out_of_band(cast, login, steps):
    client = login(cast.junior)
    response = client.post(
        f"/sessions/pair/{cast.pair.pk}/logs/",
        {
            "held_on": timezone.localdate().isoformat(),
            "minutes": 50,
            "direction": "both",
            "tick_plan_step": "on",
            "plan_step": str(steps[0].pk),
        },
        **HX,
    )
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert 'id="plan" aria-labelledby="plan-heading" hx-swap-oob="true"' in body
    assert "Step 2 of 3" in body


def test_leaving_the_box_unticked_logs_without_ticking(cast, login, steps):
    _log(login(cast.junior), cast.pair, plan_step=str(steps[0].pk))
    assert SessionLog.objects.exists() and not PairStepProgress.objects.exists()


def test_a_step_of_another_programme_cannot_be_ticked(cast, login, steps):
    foreign = PlanStep.objects.create(
        programme=factories.ProgrammeFactory(), position=1, title="Elsewhere"
    )
    client = login(cast.junior)
    response = _log(client, cast.pair, tick_plan_step="on", plan_step=str(foreign.pk))
    assert response.status_code == 400
    assert not PairStepProgress.objects.exists()
    assert (
        client.post(
            f"/sessions/pair/{cast.pair.pk}/plan/{foreign.pk}/", {"action": "done"}
        ).status_code
        == 404
    )


def test_the_pair_skips_and_reorders_steps_with_htmx(cast, login, steps):
    client = login(cast.senior)
    url = f"/sessions/pair/{cast.pair.pk}/plan/"
    response = client.post(f"{url}{steps[0].pk}/", {"action": "skip"}, **HX)
    assert response.status_code == 200 and "<html" not in response.content.decode()
    assert "Step 2 of 3" in response.content.decode()
    client.post(f"{url}{steps[2].pk}/", {"action": "up"}, **HX)
    plan = _plan(cast.pair)
    assert [s.step.title for s in plan.steps] == ["Kick-off", "Close", "Social media in practice"]
    assert plan.next_step.step == steps[2]
    # Without JavaScript: back to the plan on the page.
    response = client.post(f"{url}{steps[0].pk}/", {"action": "todo"})
    assert response.status_code == 302 and response["Location"].endswith("#plan")
    assert _plan(cast.pair).next_step.step == steps[0]


@pytest.mark.parametrize("who", ["outsider", "hr", "manager"])
def test_nobody_else_can_change_or_read_the_pairs_plan(cast, login, steps, who):
    client = login(getattr(cast, who))
    url = f"/sessions/pair/{cast.pair.pk}/plan/{steps[0].pk}/"
    assert client.post(url, {"action": "done"}).status_code == 404
    assert client.get(f"/sessions/pair/{cast.pair.pk}/guide/").status_code == 404
    assert not PairStepProgress.objects.exists()


def test_a_pair_past_its_next_steps_due_week_and_grace_is_behind(cast, login, steps):
    _published_days_ago(cast.pair, 20)  # step 2 (week 2) was due 6 days ago
    PairStepProgress.objects.create(pair=cast.pair, step=steps[0], state="done")
    assert _plan(cast.pair).status == "on_track"  # still within the grace week
    plan = _plan(cast.pair, today=timezone.localdate() + timedelta(days=2))
    assert plan.behind and plan.days_late == 8
    _published_days_ago(cast.pair, 22)
    page = login(cast.junior).get(f"/sessions/pair/{cast.pair.pk}/").content.decode()
    assert "Behind" in page and "by 8 days" in page


def test_the_invite_and_its_ics_carry_the_next_steps_agenda(cast, login, steps):
    both_accept(cast.pair)
    PairStepProgress.objects.create(pair=cast.pair, step=steps[0], state="done")
    start = (timezone.localdate() + timedelta(days=5)).isoformat() + "T14:00"
    login(cast.junior).post(
        f"/sessions/pair/{cast.pair.pk}/meetings/new/",
        {"starts_at": start, "duration_minutes": 45, "location": "Room 4"},
    )
    outbox.send_due()
    invite = next(m for m in mail.outbox if m.to == ["senior@example.com"])
    assert "Social media in practice" in invite.body
    assert "Open LinkedIn together" in invite.body
    assert "Open LinkedIn together" in invite.alternatives[0][0]
    event = Calendar.from_ical(invite.attachments[0][1]).walk("VEVENT")[0]
    description = str(event["description"])
    assert "Next in your plan: Social media in practice" in description
    assert "- How messages are approved" in description


def test_a_pair_behind_its_plan_is_nudged_once_per_late_step(cast, steps):
    _published_days_ago(cast.pair, 30)
    PairStepProgress.objects.create(pair=cast.pair, step=steps[0], state="done")
    SessionLogFactory(pair=cast.pair, logged_by=cast.junior)  # not quiet: met today
    now = timezone.now()
    plan_nudges.scan_behind_pairs(now=now)
    plan_nudges.scan_behind_pairs(now=now + timedelta(hours=1))
    rows = OutboxMessage.objects.filter(kind="plan_behind_nudge")
    assert rows.count() == 2
    assert {r.recipient for r in rows} == {cast.junior, cast.senior}
    outbox.send_due(now=max(r.due_at for r in rows) + timedelta(minutes=1))
    nudge = next(m for m in mail.outbox if m.to == ["junior@example.com"])
    assert "Social media in practice" in nudge.subject
    assert "Turn off nudges" in nudge.body or "unsubscribe" in nudge.body.lower()


def test_a_pair_with_a_meeting_booked_or_on_track_is_not_nudged(cast, steps):
    _published_days_ago(cast.pair, 30)
    MeetingFactory(pair=cast.pair, starts_at=timezone.now() + timedelta(days=2))
    plan_nudges.scan_behind_pairs()
    cast.pair.meetings.all().delete()
    for step in steps[:2]:
        PairStepProgress.objects.create(pair=cast.pair, step=step, state="done")
    SessionLogFactory(pair=cast.pair, logged_by=cast.junior)
    plan_nudges.scan_behind_pairs()
    assert not OutboxMessage.objects.filter(kind="plan_behind_nudge").exists()


def test_a_nudge_for_a_step_taken_since_is_not_sent(cast, steps):
    _published_days_ago(cast.pair, 30)
    PairStepProgress.objects.create(pair=cast.pair, step=steps[0], state="done")
    SessionLogFactory(pair=cast.pair, logged_by=cast.junior)
    now = timezone.now()
    plan_nudges.scan_behind_pairs(now=now)
    PairStepProgress.objects.create(pair=cast.pair, step=steps[1], state="skipped")
    outbox.send_due(now=now + timedelta(days=4))
    assert not [m for m in mail.outbox if "is waiting" in m.subject]


def test_a_programme_without_a_plan_shows_no_plan(cast, login):
    page = login(cast.junior).get(f"/sessions/pair/{cast.pair.pk}/").content.decode()
    assert 'id="plan"' not in page and "covered a step of our plan" not in page


def test_the_review_and_close_steps_link_to_their_check_ins(cast, login, steps):
    client = login(cast.junior)
    steps[1].kind = "midpoint"
    steps[1].save()
    for step in steps[:1]:
        PairStepProgress.objects.create(pair=cast.pair, step=step, state="done")
    page = client.get(f"/sessions/pair/{cast.pair.pk}/").content.decode()
    assert f'href="/sessions/pair/{cast.pair.pk}/pulse/"' in page
    assert f'href="/sessions/pair/{cast.pair.pk}/fit-check/"' in page
    PairStepProgress.objects.create(pair=cast.pair, step=steps[1], state="done")
    page = client.get(f"/sessions/pair/{cast.pair.pk}/").content.decode()
    assert f'href="/sessions/pair/{cast.pair.pk}/reflection/"' in page
