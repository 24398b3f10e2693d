import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import Skill
from sessions_log.models import SessionLog
from tests import factories

pytestmark = pytest.mark.django_db


def _log(pair, *, days_ago=3, minutes=60, direction="reverse", skills=()):
    log = SessionLog.objects.create(
        pair=pair,
        held_on=timezone.localdate() - timedelta(days=days_ago),
        minutes=minutes,
        direction=direction,
        shared_summary="secret shared summary",
    )
    if direction in ("reverse", "both"):
        log.skills_reverse.set(skills)
    if direction in ("forward", "both"):
        log.skills_forward.set(skills)
    return log


def _team(boss, cohort, n, department="Marketing"):
    """n pairs whose juniors report to `boss`."""
    pairs = []
    for _ in range(n):
        junior = factories.UserFactory(profile__manager=boss, profile__department=department)
        senior = factories.UserFactory(profile__department="Finance")
        pairs.append(
            factories.PairFactory(
                cohort=cohort,
                junior=factories.EnrolmentFactory(cohort=cohort, user=junior, side="junior"),
                senior=factories.EnrolmentFactory(cohort=cohort, user=senior, side="senior"),
            )
        )
    return pairs


def test_hr_sees_programme_figures_balance_and_pairs_at_risk_by_name(cast, login):
    tiktok = Skill.objects.create(name="TikTok")
    _log(cast.pair, minutes=90, direction="reverse", skills=[tiktok])
    _log(cast.pair, minutes=30, direction="forward")
    quiet = _team(cast.manager, cast.cohort, 1)[0]
    quiet.published_at = timezone.now() - timedelta(days=60)
    quiet.save()
    page = login(cast.hr).get("/dashboard/").content.decode()
    assert "2 sessions logged" in " ".join(page.split()).replace("</span>", "")
    assert "75%" in page  # 90 of 120 minutes went junior → senior
    assert "TikTok" in page
    assert quiet.junior.user.full_name in page
    assert "secret shared summary" not in page


def test_a_manager_sees_only_their_reporting_line_as_counts(cast, login):
    team = _team(cast.manager, cast.cohort, 5)
    for pair in team:
        _log(pair, minutes=60)
    elsewhere = _team(factories.manager(), cast.cohort, 1)[0]
    _log(elsewhere, minutes=600)  # another manager's team: not counted
    stale = team[0]
    stale.session_logs.all().delete()
    stale.published_at = timezone.now() - timedelta(days=90)
    stale.save()
    page = login(cast.manager).get("/dashboard/").content.decode()
    flat = " ".join(page.split()).replace("</span>", "")
    # 5 team pairs, one of them quiet, plus Robert's pair: 4 sessions and 1 pair at risk are
    # counts under 5, which a manager never learns.
    assert "fewer than 5 sessions logged" in flat and "4 sessions logged" not in flat
    assert "6 people taking part" in flat  # 5 juniors + Robert Senior, who reports to them
    assert "fewer than 5 pairs at risk" in flat and "1 pairs at risk" not in flat
    assert stale.junior.user.full_name not in page  # names are HR's only
    assert "people in your part of the organisation" in page


def test_small_groups_are_hidden_from_managers(cast, login):
    for pair in _team(cast.manager, cast.cohort, 3):
        _log(pair)
    client = login(cast.manager)
    page = client.get("/dashboard/").content.decode()
    assert "Fewer than 5 people are in this selection" in page
    assert "sessions logged" not in page
    export = client.get("/dashboard/export.csv").content.decode()
    assert "fewer than 5" in export and "sessions logged,3" not in export


def test_filters_narrow_the_figures_and_bad_values_are_ignored(cast, login):
    other = factories.CohortFactory(programme=cast.cohort.programme)
    for pair in _team(cast.manager, other, 2, department="Sales"):
        _log(pair)
    _log(cast.pair)
    client = login(cast.hr)
    flat = lambda r: " ".join(r.content.decode().split()).replace("</span>", "")  # noqa: E731
    assert "3 sessions logged" in flat(client.get("/dashboard/"))
    assert "1 sessions logged" in flat(client.get(f"/dashboard/?cohort={cast.cohort.slug}"))
    assert "2 sessions logged" in flat(client.get("/dashboard/?department=sales"))
    response = client.get("/dashboard/?cohort=no%20such&programme=x'&department=" + "d" * 500)
    assert response.status_code == 200
    assert client.get("/dashboard/?cohort=%00nope").status_code == 400


def test_an_htmx_filter_change_returns_only_the_figures(cast, login):
    response = login(cast.hr).get("/dashboard/", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="figures">')
    assert "<html" not in body


def test_the_csv_export_neutralises_formula_department_names(cast, login):
    for pair in _team(cast.manager, cast.cohort, 5, department='=HYPERLINK("x")'):
        _log(pair)
    export = login(cast.hr).get("/dashboard/export.csv")
    assert export["Content-Type"].startswith("text/csv")
    assert "'=HYPERLINK" in export.content.decode()


def test_participants_and_outsiders_cannot_open_the_dashboard(cast, login):
    assert login(cast.junior).get("/dashboard/").status_code == 403
    assert login(cast.outsider).get("/dashboard/export.csv").status_code == 403


@pytest.mark.parametrize("size", [5, 30])
def test_the_dashboard_runs_a_bounded_number_of_queries(
    cast, login, size, django_assert_max_num_queries
):
    skill = Skill.objects.create(name="Excel")
    for pair in _team(cast.manager, cast.cohort, size):
        _log(pair, skills=[skill])
    hr = login(cast.hr)
    with django_assert_max_num_queries(25):
        assert hr.get("/dashboard/").status_code == 200


def test_paired_change_has_a_t_confidence_interval():
    from mentoring.dashboard.impact import paired_change

    change = paired_change([0, 1, 2, 3, 4])
    assert (change.n, change.mean, change.low, change.high) == (5, 2.0, 0.04, 3.96)
    assert paired_change([1, 1, 1, 1, 1]).low == 1.0
    assert paired_change([2, 2, 2, 2]).suppressed  # four people are too few to report


def test_impact_shows_the_mean_change_per_area_and_hides_small_departments(cast, login):
    from sessions_log.models import ImpactSurvey

    areas = {f: 3 for f in ImpactSurvey.AREAS}
    enrolments = [p.junior for p in _team(cast.manager, cast.cohort, 5, department="Sales")]
    enrolments.append(cast.pair.junior)  # the only one from Data
    for i, enrolment in enumerate(enrolments):
        ImpactSurvey.objects.create(enrolment=enrolment, stage="baseline", **areas)
        ImpactSurvey.objects.create(
            enrolment=enrolment, stage="final", **{**areas, "confidence": 3 + i % 3, "inclusion": 4}
        )
    page = " ".join(login(cast.hr).get("/dashboard/").content.decode().split())
    assert "6 people answered both" in page
    assert "Sense of inclusion</th> <td>+1.00</td><td>+1.00 to +1.00</td> <td>6</td>" in page
    # confidence moved by 0, 1, 2, 0, 1, 2: mean 1, t(5) interval ±0.94
    assert "Confidence</th> <td>+1.00</td><td>+0.06 to +1.94</td>" in page
    assert '<th scope="row">Data</th>' in page and "n&lt;5" in page


def test_figures_are_served_from_cache_until_the_data_changes(
    cast, login, django_assert_max_num_queries
):
    hr = login(cast.hr)
    flat = lambda r: " ".join(r.content.decode().split()).replace("</span>", "")  # noqa: E731
    assert "0 sessions logged" in flat(hr.get("/dashboard/"))
    with django_assert_max_num_queries(8):  # session, user, roles and the cache: no figures
        assert "0 sessions logged" in flat(hr.get("/dashboard/"))
    _log(cast.pair, minutes=45)  # a new session changes the figures at once
    assert "1 sessions logged" in flat(hr.get("/dashboard/"))
    cast.pair.session_logs.all().delete()
    assert "0 sessions logged" in flat(hr.get("/dashboard/"))


def _quiet(pairs):
    for pair in pairs:
        pair.published_at = timezone.now() - timedelta(days=90)
        pair.save()


def test_a_manager_never_learns_a_count_under_five_on_the_page_or_in_the_csv(cast, login):
    team = _team(cast.manager, cast.cohort, 6)
    for pair in team[1:]:
        for days_ago in (2, 3):
            _log(pair, days_ago=days_ago)
    _quiet(team[:1])
    client = login(cast.manager)
    flat = " ".join(client.get("/dashboard/").content.decode().split()).replace("</span>", "")
    assert "fewer than 5 pairs at risk" in flat
    assert "10 sessions logged" in flat  # big enough to show
    assert "fewer than 5 ended" in flat  # no pair has ended: 0 is a small count too
    figures = client.get("/dashboard/export.csv").content.decode().split("\r\n\r\n")[0]
    rows = dict(line.split(",", 1) for line in figures.splitlines()[1:])
    assert rows["pairs at risk"] == "fewer than 5"
    assert rows["ended pairs"] == "fewer than 5"
    assert rows["sessions logged"] == "10"


def test_hr_sees_small_counts_exactly(cast, login):
    _quiet(_team(cast.manager, cast.cohort, 1))
    client = login(cast.hr)
    flat = " ".join(client.get("/dashboard/").content.decode().split()).replace("</span>", "")
    assert "1 pairs at risk" in flat
    assert "pairs at risk,1" in client.get("/dashboard/export.csv").content.decode()


def test_a_manager_sees_at_risk_pairs_counted_from_five(cast, login):
    _quiet(_team(cast.manager, cast.cohort, 5))
    client = login(cast.manager)
    flat = " ".join(client.get("/dashboard/").content.decode().split()).replace("</span>", "")
    assert "5 pairs at risk" in flat


def test_a_managers_department_filter_lists_only_their_lines_departments(cast, login):
    _team(cast.manager, cast.cohort, 5, department="Marketing")
    _team(factories.manager(), cast.cohort, 5, department="Legal")
    options = re.findall(
        r'<option value="([^"]*)"', login(cast.manager).get("/dashboard/").content.decode()
    )
    assert "Marketing" in options
    assert "Legal" not in options and "Finance" not in options and "Data" not in options
    hr = Client()
    hr.force_login(cast.hr)
    hr_options = re.findall(r'<option value="([^"]*)"', hr.get("/dashboard/").content.decode())
    assert {"Marketing", "Legal", "Finance", "Data"} <= set(hr_options)
