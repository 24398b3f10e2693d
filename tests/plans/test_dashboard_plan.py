"""The dashboard shows the share of pairs on track with their plan, per cohort, and the steps
skipped most; managers see no group under 5."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from mentoring.models import PlanStep
from sessions_log.plan_models import PairStepProgress
from tests import factories


def _pairs(cohort, n: int, *, days_ago: int):
    return [
        factories.PairFactory(cohort=cohort, published_at=timezone.now() - timedelta(days=days_ago))
        for _ in range(n)
    ]


def _plan_section(client) -> str:
    page = client.get("/dashboard/").content.decode()
    start = page.index('<section aria-labelledby="plan-heading"')
    return page[start : page.index("</section>", start)]


@pytest.fixture
def planned(cast):
    """Six pairs of a planned cohort, four on track and two behind, plus a cohort of two."""
    programme = factories.ProgrammeFactory(name="Digital")
    kickoff = PlanStep.objects.create(programme=programme, position=1, title="Kick-off", due_week=0)
    social = PlanStep.objects.create(
        programme=programme, position=2, title="Social media", due_week=2
    )
    PlanStep.objects.create(programme=programme, position=3, title="Close", due_week=20)
    big = factories.CohortFactory(programme=programme, name="Big", starts_on=None)
    small = factories.CohortFactory(programme=programme, name="Small", starts_on=None)
    pairs = _pairs(big, 6, days_ago=30)  # the social media step was due 16 days ago
    for pair in pairs:
        PairStepProgress.objects.create(pair=pair, step=kickoff, state="done")
    for pair in pairs[:4]:
        PairStepProgress.objects.create(pair=pair, step=social, state="skipped")
    PairStepProgress.objects.create(pair=pairs[4], step=social, state="skipped")
    _pairs(small, 2, days_ago=3)
    return pairs


def test_hr_sees_the_share_on_track_per_cohort_and_the_steps_skipped_most(cast, login, planned):
    page = _plan_section(login(cast.hr))
    big = page[page.index("Digital · Big") :][:300]
    assert "<td>6</td>" in big and "83%" in big and "(5)" in big  # 5 of 6: one is behind
    small = page[page.index("Digital · Small") :][:300]
    assert "100%" in small
    assert "Social media: 5 pairs" in page


def test_a_manager_sees_no_cohort_or_skipped_step_under_five_pairs(cast, login, planned):
    cast.manager.profile.manager_scope_programme_wide = True
    cast.manager.profile.save()
    page = _plan_section(login(cast.manager))
    small = page[page.index("Digital · Small") :][:200]
    assert "fewer than 5 pairs" in small and "100%" not in small
    assert "83%" in page
    assert "Social media: 5 pairs" in page
    PairStepProgress.objects.filter(state="skipped").first().delete()
    page = _plan_section(login(cast.manager))
    assert "Social media: 4" not in page and "No step skipped by 5 pairs or more" in page


def test_a_dashboard_without_plans_shows_no_plan_section(cast, login):
    page = login(cast.hr).get("/dashboard/").content.decode()
    assert "On track with the session plan" not in page


def test_the_csv_export_carries_the_plan_figures_with_the_same_suppression(cast, login, planned):
    cast.manager.profile.manager_scope_programme_wide = True
    cast.manager.profile.save()
    client = login(cast.hr)
    hr_csv = client.get("/dashboard/export.csv").content.decode()
    assert "Digital · Big,6,83,1" in hr_csv and "Digital · Small,2,100,0" in hr_csv
    assert "Social media,5" in hr_csv
    client.force_login(cast.manager)
    manager_csv = client.get("/dashboard/export.csv").content.decode()
    assert "Digital · Small,fewer than 5,fewer than 5,fewer than 5" in manager_csv


def test_a_pair_with_an_order_of_its_own_stands_by_its_own_next_step(cast, login):
    """A pair that moved a later step first is on track by that step's due week, not the
    plan's; the others of its cohort are counted together."""
    from sessions_log.services.plan import move_step

    programme = factories.ProgrammeFactory(name="Digital")
    PlanStep.objects.create(programme=programme, position=1, title="Kick-off", due_week=0)
    PlanStep.objects.create(programme=programme, position=2, title="Social media", due_week=2)
    close = PlanStep.objects.create(programme=programme, position=3, title="Close", due_week=20)
    cohort = factories.CohortFactory(programme=programme, name="Big", starts_on=None)
    pairs = _pairs(cohort, 6, days_ago=30)  # the kick-off was due a month ago: all behind...
    for _ in range(2):  # ...but one pair put the close (due in week 20) first: on track
        move_step(pair=pairs[0], step=close, by=pairs[0].junior.user, direction="up")
    page = _plan_section(login(cast.hr))
    big = page[page.index("Digital · Big") :][:300]
    assert "<td>6</td>" in big and "17%" in big and "(1)" in big  # 1 of 6 on track
