"""Everybody's home page runs a few queries however much the organisation holds (DESIGN.md
"Performance budgets"): it is the page every sign-in lands on."""

from __future__ import annotations

import pytest

from tests import factories

pytestmark = pytest.mark.django_db

# As measured: the session, the person with their profile and roles, then the page's own.
# With REDIS_URL the session comes from Redis: one fewer.
BUDGETS = {"hr": 6, "manager": 2, "junior": 7, "senior": 7}


def _grow(cast) -> None:
    """More programmes and cohorts for HR, another pairing for each of the two partners, people
    waiting for a partner (the Needs you badge)."""
    for _ in range(3):
        programme = factories.ProgrammeFactory()
        for status in ("enrolling", "active", "closed"):
            cohort = factories.CohortFactory(programme=programme, status=status)
            for side in ("junior", "senior", "junior"):
                factories.EnrolmentFactory(cohort=cohort, side=side)
    for who, side in ((cast.junior, "junior"), (cast.senior, "senior")):
        cohort = factories.CohortFactory(status="active")
        mine = factories.EnrolmentFactory(cohort=cohort, user=who, side=side)
        factories.PairFactory(cohort=cohort, **{side: mine})


@pytest.mark.parametrize("role", list(BUDGETS))
def test_the_home_page_runs_a_bounded_number_of_queries(
    cast, login, role, django_assert_max_num_queries
):
    client = login(getattr(cast, role))
    with django_assert_max_num_queries(BUDGETS[role]) as small:
        assert client.get("/").status_code == 200
    _grow(cast)
    with django_assert_max_num_queries(BUDGETS[role]) as large:
        page = client.get("/").content.decode()
    assert len(large.captured_queries) == len(small.captured_queries)
    if role in ("junior", "senior"):
        assert page.count("Your partner in ") == 2  # the new pairing is on the page


def test_hrs_home_counts_people_waiting_without_reading_every_account(
    cast, login, django_assert_max_num_queries
):
    """The Needs you badge counts enrolments per cohort; sorting them by email (Enrolment's
    ordering) joined every person's account row to the count (a fifth of its time at 5,000)."""
    client = login(cast.hr)
    _grow(cast)
    with django_assert_max_num_queries(BUDGETS["hr"]) as home:
        assert "Needs you" in client.get("/").content.decode()
    badge = [q["sql"] for q in home.captured_queries if "waiting_count" in q["sql"]]
    assert len(badge) == 1 and '"accounts_user"' not in badge[0]
