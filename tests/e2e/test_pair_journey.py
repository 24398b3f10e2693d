"""A participant's journey with their partner, in a real browser: schedule, log, set a goal,
answer the fit check; the partner sees the summary but not the private note; HR and the manager
see neither."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from sessions_log.models import AgreementAcceptance, Meeting, PrivateNote, SessionLog
from tests import factories
from tests.e2e.conftest import log_in

SUMMARY = "We made a first TikTok together and it was fun"
NOTE = "Private: I felt out of my depth at first"


@pytest.fixture
def people(transactional_db):
    hr = factories.hr_admin(email="hr@example.com", profile__full_name="Harriet HR")
    boss = factories.manager(email="boss@example.com", profile__full_name="Marcus Manager")
    junior = factories.UserFactory(email="junior@example.com", profile__full_name="Asha Junior")
    senior = factories.UserFactory(
        email="senior@example.com",
        profile__full_name="Robert Senior",
        profile__manager=boss,
        profile__timezone="America/New_York",
    )
    cohort = factories.CohortFactory(
        name="Autumn", slug="autumn", starts_on=timezone.localdate() - timedelta(days=20)
    )
    pair = factories.PairFactory(
        cohort=cohort,
        junior=factories.EnrolmentFactory(cohort=cohort, user=junior, side="junior"),
        senior=factories.EnrolmentFactory(cohort=cohort, user=senior, side="senior"),
    )
    tiktok = factories.SkillFactory(name="TikTok")
    factories.ProfileSkillFactory(profile=junior.profile, skill=tiktok, kind="teach")
    AgreementAcceptance.objects.create(pair=pair, user=senior)
    return {"hr": hr, "manager": boss, "junior": junior, "senior": senior, "pair": pair}


def _switch_to(page, base: str, user) -> None:
    page.context.clear_cookies()
    log_in(page, base, user.email, factories.PASSWORD)


def test_a_pair_meets_logs_and_checks_in_while_others_see_nothing_private(
    people, checked_page, live_server
):
    page, base, pair = checked_page, live_server.url, people["pair"]
    log_in(page, base, people["junior"].email, factories.PASSWORD)
    page.get_by_role("link", name="Your pairing with Robert Senior").click()
    page.wait_for_url(f"{base}/sessions/pair/{pair.pk}/")
    assert page.get_by_role("heading", level=1).inner_text() == "You and Robert Senior"
    page.checks.check()

    # Both accept the agreement, then schedule a meeting.
    page.get_by_role("button", name="I accept the agreement").click()
    page.get_by_text("You have accepted the mentoring agreement.").wait_for()
    page.checks.check()
    page.get_by_role("button", name="Schedule a meeting").click()
    page.checks.check()
    day = timezone.localdate() + timedelta(days=3)
    page.get_by_label("Date and time (your time zone)").fill(f"{day:%Y-%m-%d}T14:30")
    page.get_by_label("Duration (minutes)").fill("60")
    page.get_by_label("Place or video link").fill("https://meet.example.com/asha-robert")
    page.get_by_role("button", name="Send the invite").click()
    page.get_by_text("Meeting scheduled").wait_for()
    meetings = page.locator("#meetings")
    assert f"{day:%-d %B %Y}, 14:30" in meetings.inner_text()
    page.checks.check()

    # Log a session (htmx swaps only the sessions section).
    page.locator("#sessions summary").click()
    page.get_by_label("Minutes").fill("50")
    page.get_by_label("Reverse: Asha Junior taught Robert Senior").check()
    page.get_by_role("group", name="Skills Asha Junior taught").get_by_label("TikTok").check()
    page.get_by_label("Shared summary").fill(SUMMARY)
    page.get_by_label("Private note (only you)").fill(NOTE)
    page.get_by_role("button", name="Log the session").click()
    page.locator("#sessions .shared-summary", has_text=SUMMARY).wait_for()
    assert NOTE in page.locator("#sessions .private-note").inner_text()
    assert "Session logged." in page.locator("#sessions").inner_text()
    assert "100% / 0%" in page.locator("#balance").inner_text()
    assert page.get_by_role("heading", level=1).inner_text() == "You and Robert Senior"
    page.checks.check()

    # A goal in the junior's learning direction (the form loads when "Set a goal" opens).
    page.locator("#goals summary").click()
    page.get_by_label("What I want to learn from you").fill("Negotiate my first budget")
    page.get_by_role("button", name="Add goal").click()
    page.get_by_text("Goal added").wait_for()
    assert "Negotiate my first budget" in page.locator("#goals").inner_text()
    page.checks.check()

    # The fit check opened with the first session.
    page.get_by_role("link", name="Answer the fit check").click()
    page.checks.check()
    page.get_by_label("Yes, it is working").check()
    page.get_by_role("button", name="Save my answer").click()
    page.get_by_text("your answer is saved").wait_for()
    assert "You answered “Yes, it is working”" in page.locator("#surveys").inner_text()
    page.checks.check()

    log = SessionLog.objects.get()
    assert (log.minutes, log.direction, log.logged_by) == (50, "reverse", people["junior"])
    assert PrivateNote.objects.get().body == NOTE
    assert (
        Meeting.objects.get()
        .starts_at.astimezone(timezone.get_current_timezone())
        .strftime("%H:%M")
        == "14:30"
    )

    # The partner (in New York) sees the summary and the meeting in their own time, not the note.
    _switch_to(page, base, people["senior"])
    page.goto(f"{base}/sessions/pair/{pair.pk}/")
    body = page.locator("main").inner_text()
    assert SUMMARY in body and NOTE not in body
    new_york = datetime.combine(day, time(14, 30), tzinfo=ZoneInfo("Europe/London")).astimezone(
        ZoneInfo("America/New_York")
    )
    assert "America/New_York" in body and f"{new_york:%-d %B %Y, %H:%M}" in body
    page.checks.check()

    # HR and the manager: no pair page, and nothing private anywhere they can go.
    for who in ("hr", "manager"):
        _switch_to(page, base, people[who])
        assert page.request.get(f"{base}/sessions/pair/{pair.pk}/").status == 404
        for path in ("/", "/dashboard/"):
            page.goto(base + path)
            text = page.content()
            assert SUMMARY not in text and NOTE not in text
            page.checks.check()


def test_every_pair_page_of_the_demo_junior_passes_the_checks(demo_org, checked_page, live_server):
    page, base = checked_page, live_server.url
    log_in(page, base, "junior@twoway.example")
    page.get_by_role("link", name="Your pairing with Robert Lindqvist").click()
    page.locator("#sessions .shared-summary").first.wait_for()
    page.locator("#sessions summary").click()  # the log form, loaded when opened
    page.get_by_role("button", name="Log the session").wait_for()
    page.checks.check()
    pair_url = page.url
    for name in (
        "^Move the meeting",
        "^Edit your private note",
        "^Edit the session",
        "^Update",
        "^Change your answer",
        "^Change it",
        "^Review your starting survey",
        "^Your contribution record",
    ):
        page.goto(pair_url)
        page.get_by_role("link", name=re.compile(name)).first.click()
        page.wait_for_load_state()
        assert page.url != pair_url, name
        assert page.get_by_role("heading", level=1).is_visible()
        page.checks.check()
    page.goto(pair_url)
    page.get_by_role("button", name="Schedule a meeting").click()
    page.checks.check()

    # Cancelling asks first: saying no keeps the meeting, saying yes cancels it.
    page.goto(pair_url)
    cancel = page.locator("#meetings").get_by_role("button", name=re.compile("^Cancel")).first
    page.once("dialog", lambda dialog: dialog.dismiss())
    cancel.click()
    page.wait_for_timeout(300)
    assert page.url == pair_url
    page.once("dialog", lambda dialog: dialog.accept())
    cancel.click()
    page.get_by_text("Meeting cancelled").wait_for()
    page.checks.check()
