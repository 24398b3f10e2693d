"""The dashboard keeps what depends on the roster alone (people, departments, each pair's
members) until the roster changes, and recomputes the pairs' activity on every cold render:
a logged session shows at once without the roster being read again, and every kind of roster
change (a department, a withdrawal, a pair ended or published in bulk) shows at once too."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.taxonomy import rename_skill
from mentoring.dashboard import cache as dashboard_cache
from mentoring.dashboard import selectors
from mentoring.dashboard.scope import Scope
from mentoring.models import Enrolment
from mentoring.services.programmes import programme_archive
from pairing.models import Pair
from pairing.services import compute_run, pair_publish
from pairing.services.never_again import end_pair
from sessions_log.models import SessionLog
from tests import factories
from tests.pairing.factories import junior, pairing_cohort, senior

pytestmark = pytest.mark.django_db

EVERYONE = Scope(user_ids=None, names_visible=True, label="the whole programme")


def _pair(cohort, junior_dept: str, senior_dept: str):
    return factories.PairFactory(
        cohort=cohort,
        junior=factories.EnrolmentFactory(
            cohort=cohort,
            user=factories.UserFactory(profile__department=junior_dept),
            side="junior",
        ),
        senior=factories.EnrolmentFactory(
            cohort=cohort,
            user=factories.UserFactory(profile__department=senior_dept),
            side="senior",
        ),
    )


def _log(pair, minutes: int = 60) -> None:
    SessionLog.objects.create(
        pair=pair,
        held_on=timezone.localdate() - timedelta(days=2),
        minutes=minutes,
        direction="reverse",
    )


def _hours(board: selectors.Dashboard) -> dict[str, float]:
    return {row["name"]: row["hours"] for row in board.departments if row["hours"]}


@pytest.fixture
def cohort():
    return factories.CohortFactory(status="active")


def test_a_logged_session_shows_at_once_without_reading_the_roster_again(cohort):
    pair = _pair(cohort, "Sales", "Finance")
    _log(pair)
    assert selectors.build(EVERYONE, selectors.Filters()).sessions == 1
    _log(pair, minutes=30)
    with CaptureQueriesContext(connection) as queries:
        board = selectors.build(EVERYONE, selectors.Filters())
    assert (board.sessions, board.minutes) == (2, 90)
    assert _hours(board) == {"Sales": 1.5}
    statements = " ".join(q["sql"] for q in queries.captured_queries)
    assert 'sessions_log_pair_roster" (' not in statements  # not rebuilt
    assert "mentoring_enrolment" not in statements  # the roster's figures were kept


def test_a_department_change_moves_the_pairs_hours(cohort):
    pair = _pair(cohort, "Sales", "Finance")
    _log(pair)
    assert _hours(selectors.build(EVERYONE, selectors.Filters())) == {"Sales": 1.0}
    profile = pair.junior.user.profile
    profile.department = "Legal"
    profile.save()
    board = selectors.build(EVERYONE, selectors.Filters())
    assert _hours(board) == {"Legal": 1.0}
    legal = selectors.build(EVERYONE, selectors.Filters(department="legal"))
    assert (legal.sessions, legal.participants) == (1, 1)


def test_a_withdrawn_junior_hands_the_pairs_hours_to_the_senior(cohort):
    pair = _pair(cohort, "Sales", "Finance")
    _log(pair)
    assert _hours(selectors.build(EVERYONE, selectors.Filters())) == {"Sales": 1.0}
    Enrolment.objects.filter(pk=pair.junior_id).update(status=Enrolment.Status.WITHDRAWN)
    dashboard_cache.bump()  # as the withdrawal service does, through the enrolment's signal
    assert _hours(selectors.build(EVERYONE, selectors.Filters())) == {"Finance": 1.0}
    Enrolment.objects.filter(pk=pair.senior_id).update(status=Enrolment.Status.WITHDRAWN)
    dashboard_cache.bump()
    board = selectors.build(EVERYONE, selectors.Filters())
    assert (board.sessions, board.participants) == (0, 0)  # neither member is counted now


def test_pairs_ended_or_published_in_bulk_show_at_the_next_cold_render(cohort):
    first = _pair(cohort, "Sales", "Finance")
    assert selectors.build(EVERYONE, selectors.Filters()).active_pairs == 1
    # Bulk writes send no signals: only a later session moves the dashboard's version.
    Pair.objects.filter(pk=first.pk).update(status=Pair.Status.ENDED, ended_at=timezone.now())
    dashboard_cache.bump_activity()
    board = selectors.build(EVERYONE, selectors.Filters())
    assert (board.active_pairs, board.ended_pairs) == (0, 1)
    second = _pair(cohort, "Sales", "Finance")
    Pair.objects.bulk_create(
        [
            Pair(
                cohort=cohort,
                junior=second.junior,
                senior=first.senior,
                published_at=timezone.now(),
            )
        ]
    )
    dashboard_cache.bump_activity()
    board = selectors.build(EVERYONE, selectors.Filters())
    assert (board.active_pairs, board.ended_pairs) == (2, 1)


def test_a_roster_older_than_the_cache_ttl_is_rebuilt(cohort, monkeypatch):
    pair = _pair(cohort, "Sales", "Finance")
    _log(pair)
    selectors.build(EVERYONE, selectors.Filters())
    # A write past every signal and every version: only the TTL bounds it.
    from accounts.models import Profile

    Profile.objects.filter(user_id=pair.junior.user_id).update(department="Legal")
    later = timezone.now() + timedelta(seconds=dashboard_cache.TTL_SECONDS + 1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    dashboard_cache.bump_activity()
    board = selectors.build(EVERYONE, selectors.Filters())
    assert "Legal" in _hours(board)


def _seen() -> selectors.Dashboard:
    """The board as the page shows it: through the cache, until a version moves."""
    return dashboard_cache.cached(
        scope=EVERYONE,
        filters=selectors.Filters(),
        today=timezone.localdate(),
        build=lambda: selectors.build(EVERYONE, selectors.Filters()),
    )


def test_a_pair_hr_ends_shows_as_ended_at_once(cohort):
    pair = _pair(cohort, "Sales", "Finance")
    assert (_seen().active_pairs, _seen().ended_pairs) == (1, 0)
    assert end_pair(pair=pair, reason="moved on")
    board = _seen()
    assert (board.active_pairs, board.ended_pairs) == (0, 1)


def test_a_top_up_publication_shows_at_once():
    spring = pairing_cohort(slug="spring")
    junior(spring, "Asha", teaches={"TikTok": 3})
    senior(spring, "Robert", learns={"TikTok": 3})
    pair_publish(run=compute_run(cohort=spring), by=None, notify=False)
    junior(spring, "Bea", teaches={"Figma": 3})
    senior(spring, "Carl", learns={"Figma": 3})
    assert _seen().active_pairs == 1
    # The cohort is active already: publishing the top-up writes the pairs alone, in bulk.
    assert len(pair_publish(run=compute_run(cohort=spring), by=None, notify=False)) == 1
    assert _seen().active_pairs == 2


def test_a_renamed_skill_shows_under_its_new_name_at_once(cohort, cast):
    pair = _pair(cohort, "Sales", "Finance")
    skill = factories.SkillFactory(name="Tiktok")
    _log(pair)
    SessionLog.objects.get(pair=pair).skills_reverse.set([skill])
    assert dict(_seen().reverse_skills) == {"Tiktok": 1}
    rename_skill(skill=skill, name="TikTok", by=cast.hr)
    assert dict(_seen().reverse_skills) == {"TikTok": 1}


def test_an_archived_programme_leaves_the_filters_at_once(cohort):
    _pair(cohort, "Sales", "Finance")
    assert [p.pk for p in _seen_with_choices().programmes] == [cohort.programme_id]
    programme_archive(programme=cohort.programme)
    assert _seen_with_choices().programmes == []


def _seen_with_choices() -> selectors.Dashboard:
    return dashboard_cache.cached(
        scope=EVERYONE,
        filters=selectors.Filters(),
        today=timezone.localdate(),
        build=lambda: selectors.build(EVERYONE, selectors.Filters(), with_choices=True),
    )
