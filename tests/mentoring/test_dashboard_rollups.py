"""The dashboard reads a cohort's months and skills from the cohort's rollups only when they
agree with its pairs in view; otherwise pair by pair. Either way the figures are the logs'."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.taxonomy import merge_skills
from mentoring.dashboard import selectors
from mentoring.dashboard.scope import Scope
from sessions_log.models import SessionLog
from sessions_log.rollups import CohortSessionTotals
from tests import factories

pytestmark = pytest.mark.django_db

EVERYONE = Scope(user_ids=None, names_visible=True, label="the whole programme")


def _direct_months() -> dict:
    """Sessions per month of the pairs whose members are still enrolled, from the logs."""
    found: dict = defaultdict(int)
    for held_on in SessionLog.objects.filter(
        pair__junior__status="active", pair__published_at__isnull=False
    ).values_list("held_on", flat=True):
        found[held_on.replace(day=1)] += 1
    return dict(found)


def _board_months(board) -> dict:
    return {month["month"]: month["sessions"] for month in board.months}


def _direct_skills() -> Counter:
    counts: Counter = Counter()
    for log in SessionLog.objects.filter(pair__junior__status="active"):
        counts.update(skill.name for skill in log.skills_reverse.all())
    return counts


@pytest.fixture
def logged():
    cohort = factories.CohortFactory(starts_on=timezone.localdate() - timedelta(days=300))
    skills = [factories.SkillFactory() for _ in range(3)]
    pairs = [factories.PairFactory(cohort=cohort) for _ in range(4)]
    for i, pair in enumerate(pairs):
        for days_ago in (5, 40, 75 + i):
            log = SessionLog.objects.create(
                pair=pair,
                held_on=timezone.localdate() - timedelta(days=days_ago),
                minutes=30 + i,
                direction="reverse",
            )
            log.skills_reverse.set(skills[: 1 + i % 3])
    return cohort, pairs


def test_a_cohort_whose_pairs_are_all_in_view_reads_its_cohort_rollups(logged):
    cohort, _ = logged
    board = selectors.build(EVERYONE, selectors.Filters())
    totals = CohortSessionTotals.objects.get(cohort=cohort)
    assert (totals.pairs, totals.sessions) == (4, 12)
    assert _board_months(board) == _direct_months()
    assert dict(board.reverse_skills) == dict(_direct_skills())


def test_a_cohort_out_of_step_or_partly_in_view_is_read_pair_by_pair(logged):
    cohort, pairs = logged
    # One pair goes with its logs (its cohort's totals still count it: out of step)...
    pairs[0].delete()
    # ...and another's junior withdraws: the pair stays in view through its senior.
    pairs[1].junior.status = "withdrawn"
    pairs[1].junior.save()
    board = selectors.build(EVERYONE, selectors.Filters())
    assert CohortSessionTotals.objects.get(cohort=cohort).pairs == 4
    months = defaultdict(int)
    for held_on in SessionLog.objects.values_list("held_on", flat=True):
        months[held_on.replace(day=1)] += 1
    assert _board_months(board) == dict(months)
    assert board.sessions == 9
    # Filtered to one person's department, only their pair's sessions count.
    junior = pairs[2].junior.user
    junior.profile.department = "Legal"
    junior.profile.save()
    legal = selectors.build(EVERYONE, selectors.Filters(department="Legal"))
    assert legal.sessions == 3
    assert sum(month["sessions"] for month in legal.months) == 3


def _pair_of(cohort, department: str):
    return factories.PairFactory(
        cohort=cohort,
        junior=factories.EnrolmentFactory(
            cohort=cohort, side="junior", user=factories.UserFactory(profile__department=department)
        ),
        senior=factories.EnrolmentFactory(
            cohort=cohort, side="senior", user=factories.UserFactory(profile__department="Other")
        ),
    )


def _logged_with(pair, skill) -> None:
    log = SessionLog.objects.create(
        pair=pair,
        held_on=timezone.localdate() - timedelta(days=3),
        minutes=60,
        direction="reverse",
    )
    log.skills_reverse.set([skill])


def test_a_cohort_wholly_in_view_beside_one_partly_in_view_counts_once():
    # Legal sees all of the first cohort's pairs (read from its cohort totals) and one of the
    # second's two (read from the pairs): the first's sessions must not come twice.
    first, second = factories.CohortFactory(), factories.CohortFactory()
    skill = factories.SkillFactory()
    for pair in (_pair_of(first, "Legal"), _pair_of(second, "Legal"), _pair_of(second, "Sales")):
        _logged_with(pair, skill)
    legal = selectors.build(EVERYONE, selectors.Filters(department="Legal"))
    assert legal.sessions == 2
    assert sum(month["sessions"] for month in legal.months) == 2
    assert dict(legal.reverse_skills) == {skill.name: 2}


def test_a_skill_deleted_in_the_admin_leaves_partial_views_working():
    cohort = factories.CohortFactory()
    kept, gone = factories.SkillFactory(), factories.SkillFactory()
    for pair, skill in ((_pair_of(cohort, "Legal"), kept), (_pair_of(cohort, "Sales"), gone)):
        _logged_with(pair, skill)
    legal = _pair_of(cohort, "Legal")
    _logged_with(legal, gone)
    gone.delete()  # the admin's delete: the logs' skills and the totals go by cascade
    board = selectors.build(EVERYONE, selectors.Filters(department="Legal"))
    assert board.sessions == 2
    assert dict(board.reverse_skills) == {kept.name: 1}


def test_a_merged_skill_counts_under_the_skill_it_joined_in_a_departments_view(cast):
    cohort = factories.CohortFactory()
    tiktok, short_video = factories.SkillFactory(), factories.SkillFactory()
    _logged_with(_pair_of(cohort, "Legal"), tiktok)
    _logged_with(_pair_of(cohort, "Legal"), short_video)
    _logged_with(_pair_of(cohort, "Sales"), tiktok)  # out of view: Legal is part of the cohort
    merge_skills(source=short_video, into=tiktok, by=cast.hr)
    legal = selectors.build(EVERYONE, selectors.Filters(department="Legal"))
    assert dict(legal.reverse_skills) == {tiktok.name: 2}
    everyone = selectors.build(EVERYONE, selectors.Filters())
    assert dict(everyone.reverse_skills) == {tiktok.name: 3}
