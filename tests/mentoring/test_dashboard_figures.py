"""Figures that add up: people counted once, department rows that sum to the headline, filters
that narrow each other and say what they show, charts drawn as SVG, and pairs at risk that
HR can act on."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils import timezone

from mentoring.dashboard import selectors
from mentoring.dashboard.scope import Scope
from mentoring.models import Enrolment, OutboxMessage
from sessions_log.models import SessionLog
from sessions_log.reminders import QUIET_PAIR_NUDGE
from tests import factories

pytestmark = pytest.mark.django_db

EVERYONE = Scope(user_ids=None, names_visible=True, label="the whole programme")


def _flat(response) -> str:
    return " ".join(response.content.decode().split()).replace("</span>", "")


def _pair(cohort, junior_dept: str, senior_dept: str, *, junior=None):
    junior = junior or factories.UserFactory(profile__department=junior_dept)
    return factories.PairFactory(
        cohort=cohort,
        junior=factories.EnrolmentFactory(cohort=cohort, user=junior, side="junior"),
        senior=factories.EnrolmentFactory(
            cohort=cohort,
            user=factories.UserFactory(profile__department=senior_dept),
            side="senior",
        ),
    )


def _log(pair, minutes: int, days_ago: int = 3, direction: str = "reverse") -> None:
    SessionLog.objects.create(
        pair=pair,
        held_on=timezone.localdate() - timedelta(days=days_ago),
        minutes=minutes,
        direction=direction,
    )


def _assert_adds_up(board: selectors.Dashboard) -> None:
    assert board.juniors + board.seniors == board.enrolments
    assert sum(row["people"] for row in board.departments) == board.participants
    assert round(sum(row["hours"] for row in board.departments), 1) == board.hours
    assert board.reverse_minutes + board.forward_minutes == board.minutes


@override_settings(DEBUG=True)
def test_on_the_seeded_demo_people_enrolments_and_department_hours_add_up(client):
    call_command("seed_demo", participants=60, verbosity=0, stdout=open("/dev/null", "w"))
    board = selectors.build(EVERYONE, selectors.Filters())
    # The demo has people in past and current cohorts: more enrolments than people.
    assert board.enrolments > board.participants > 0
    assert board.participants == (
        Enrolment.objects.filter(status="active", cohort__archived_at__isnull=True)
        .values("user_id")
        .distinct()
        .count()
    )
    assert board.minutes == sum(SessionLog.objects.values_list("minutes", flat=True))
    _assert_adds_up(board)
    client.force_login(factories.hr_admin())
    page = _flat(client.get("/dashboard/"))
    assert f"{board.participants} people taking part" in page
    assert f"{board.enrolments} enrolments" in page


def test_a_person_in_two_cohorts_is_one_person_and_two_enrolments(cast, login):
    spring = factories.CohortFactory(programme=cast.cohort.programme, name="Spring")
    _pair(spring, "Data", "Sales", junior=cast.junior)  # Asha again, in a second cohort
    board = selectors.build(EVERYONE, selectors.Filters())
    assert board.participants == 4  # Asha, Robert, the Sales senior, the outsider
    assert board.enrolments == 5
    page = _flat(login(cast.hr).get("/dashboard/"))
    assert "4 people taking part" in page and "5 enrolments (3 as junior · 2 as senior)" in page


def test_a_cross_department_pair_counts_its_hours_once_for_the_juniors_department(cast, login):
    _log(cast.pair, 90)  # Asha (Data) with Robert (Marketing)
    other = _pair(cast.cohort, "Sales", "Data")
    _log(other, 30, direction="both")
    board = selectors.build(EVERYONE, selectors.Filters())
    hours = {row["name"]: row["hours"] for row in board.departments}
    assert hours["Data"] == 1.5 and hours["Sales"] == 0.5 and hours["Marketing"] == 0
    assert board.hours == 2.0
    _assert_adds_up(board)
    page = _flat(login(cast.hr).get("/dashboard/"))
    assert "for the junior's department" in page

    # Filtered to Marketing, Robert's pair is in view and its hours go to his department,
    # the only one shown: still one row that equals the headline.
    marketing = selectors.build(EVERYONE, selectors.Filters(department="Marketing"))
    assert [(r["name"], r["hours"]) for r in marketing.departments] == [("Marketing", 1.5)]
    assert marketing.hours == 1.5


def test_department_hours_are_rounded_so_the_rows_still_sum_to_the_headline(cast):
    for dept in ("Data", "Legal", "Sales"):
        _log(_pair(cast.cohort, dept, "Finance"), 7)  # 0.1166... hours each
    board = selectors.build(EVERYONE, selectors.Filters())
    assert board.hours == 0.4  # 21 minutes
    _assert_adds_up(board)


def test_each_filter_offers_only_what_the_others_leave(cast, login):
    other_programme = factories.ProgrammeFactory(name="Leadership")
    elsewhere = factories.CohortFactory(programme=other_programme, name="Leaders 1")
    _pair(elsewhere, "Legal", "Legal")
    hr = login(cast.hr)
    page = hr.get(f"/dashboard/?programme={cast.cohort.programme.slug}").content.decode()
    cohort_select = page.split('name="cohort"')[1].split("</select>")[0]
    department_select = page.split('name="department"')[1].split("</select>")[0]
    assert "Autumn" in cohort_select and "Leaders 1" not in cohort_select
    assert "Data" in department_select and "Legal" not in department_select

    page = hr.get("/dashboard/?department=Legal").content.decode()
    cohort_select = page.split('name="cohort"')[1].split("</select>")[0]
    programme_select = page.split('name="programme"')[1].split("</select>")[0]
    assert "Leaders 1" in cohort_select and "Autumn" not in cohort_select
    assert "Leadership" in programme_select
    assert cast.cohort.programme.name not in programme_select


def test_the_subtitle_names_the_filters_in_force_escaped(cast, login):
    hostile = '<img src=x onerror="alert(1)">'
    cast.junior.profile.department = hostile
    cast.junior.profile.save()
    hr = login(cast.hr)
    assert "Showing every programme, cohort and department" in _flat(hr.get("/dashboard/"))
    page = _flat(hr.get("/dashboard/", {"cohort": "autumn", "department": hostile}))
    assert "Showing cohort <strong>Autumn</strong> · department" in page
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page
    assert hostile not in page
    # The htmx swap carries the subtitle with the figures.
    fragment = hr.get("/dashboard/", {"cohort": "autumn"}, HTTP_HX_REQUEST="true")
    assert "Showing cohort" in fragment.content.decode()


def test_hours_per_month_and_pulse_are_svg_charts_with_their_tables(cast, login):
    from sessions_log.models import Pulse

    _log(cast.pair, 60, days_ago=2)
    _log(cast.pair, 120, days_ago=40, direction="forward")
    pairs = [_pair(cast.cohort, "Data", "Finance") for _ in range(5)]
    for pair in pairs:
        Pulse.objects.create(pair=pair, respondent=pair.junior.user, period=0, score=4)
    page = login(cast.hr).get("/dashboard/").content.decode()
    charts = re.findall(r"<svg[^>]*role=\"img\".*?</svg>", page, flags=re.S)
    assert len(charts) >= 3  # the balance, hours per month, pulse over time
    months = next(c for c in charts if "Hours per month" in c)
    assert months.count('class="series-reverse"') >= 1
    assert months.count('class="series-forward"') >= 1
    assert "hours reverse</title>" in months
    pulse = next(c for c in charts if "Pulse over time" in c)
    assert "Day 30: mean 4 from 5 answers" in pulse
    assert "Hours per month as a table" in page and "Pulse over time as a table" in page
    assert not re.search(r'class="[^"]*\bw\d+\b', page)  # no width classes


def test_no_width_classes_are_left_in_the_stylesheet():
    from pathlib import Path

    css = (Path(__file__).resolve().parents[2] / "static/css/twoway.css").read_text()
    assert not re.search(r"\.w\d+\s*\{", css)


def _quiet(pair) -> None:
    pair.published_at = timezone.now() - timedelta(days=90)
    pair.save()


def test_hr_nudges_a_quiet_pair_once_per_quiet_spell(cast, login):
    _quiet(cast.pair)
    hr = login(cast.hr)
    page = hr.get("/dashboard/").content.decode()
    assert f"/dashboard/pairs/{cast.pair.pk}/nudge/" in page
    assert f"/cohorts/autumn/people/{cast.pair.junior_id}/" in page  # HR's view of each person
    response = hr.post(
        f"/dashboard/pairs/{cast.pair.pk}/nudge/", {"next": "/dashboard/?cohort=autumn"}
    )
    assert response.status_code == 302 and response["Location"] == "/dashboard/?cohort=autumn"
    rows = OutboxMessage.objects.filter(kind=QUIET_PAIR_NUDGE)
    assert set(rows.values_list("recipient_id", flat=True)) == {cast.junior.pk, cast.senior.pk}
    again = hr.post(f"/dashboard/pairs/{cast.pair.pk}/nudge/", follow=True)
    assert "already nudged" in again.content.decode()
    assert rows.count() == 2  # a second click queues nothing more


def _client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_only_hr_can_nudge_and_only_by_post_and_never_off_site(cast):
    _quiet(cast.pair)
    url = f"/dashboard/pairs/{cast.pair.pk}/nudge/"
    assert _client_of(cast.manager).post(url).status_code == 403
    assert _client_of(cast.junior).post(url).status_code == 403
    hr = _client_of(cast.hr)
    assert hr.get(url).status_code == 405
    assert hr.post("/dashboard/pairs/999999/nudge/").status_code == 404
    response = hr.post(url, {"next": "https://evil.example/dashboard/"})
    assert response["Location"] == "/dashboard/"
    assert OutboxMessage.objects.filter(kind=QUIET_PAIR_NUDGE).count() == 2


def test_pairs_at_risk_list_the_quietest_first_and_count_every_one(cast, monkeypatch):
    monkeypatch.setattr(selectors.pairs, "AT_RISK_SHOWN", 3)
    old = timezone.now() - timedelta(days=200)
    quiet = {}
    for days_ago in (60, 90, None, 120):
        pair = _pair(cast.cohort, "Data", "Sales")
        pair.published_at = old
        pair.save()
        if days_ago is not None:
            _log(pair, 30, days_ago=days_ago)
        quiet[days_ago] = pair.pk
    board = selectors.build(EVERYONE, selectors.Filters())
    # Never met, then the longest silence; the fourth quiet pair is counted, not listed.
    assert [pair.pk for pair in board.at_risk] == [quiet[None], quiet[120], quiet[90]]
    assert board.at_risk_count >= 4
