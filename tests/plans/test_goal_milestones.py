"""Goals with milestones: a date, progress, and suggestions drawn from the plan's topics."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from mentoring.models import PlanStep
from sessions_log.models import Goal
from tests import factories
from tests.sessions_log.pair_factories import GoalFactory


@pytest.fixture
def data_step(cast) -> PlanStep:
    programme = cast.cohort.programme
    PlanStep.objects.create(programme=programme, position=1, kind="kickoff", title="Kick-off")
    return PlanStep.objects.create(
        programme=programme,
        position=2,
        title="From spreadsheet to decision",
        topic="Data",
        due_week=4,
    )


def test_a_goal_suggested_from_the_plan_takes_the_topic_and_the_steps_date(cast, login, data_step):
    client = login(cast.senior)
    page = client.get(f"/sessions/pair/{cast.pair.pk}/goals/new/").content.decode()
    assert "Or suggest one from the plan" in page
    assert "Data: From spreadsheet to decision" in page
    assert "Kick-off (by" not in page  # only session topics make goals
    response = client.post(
        f"/sessions/pair/{cast.pair.pk}/goals/", {"suggestion": str(data_step.pk), "title": ""}
    )
    assert response.status_code == 302
    goal = Goal.objects.get()
    assert goal.title == "Data: From spreadsheet to decision"
    assert goal.direction == "reverse"  # the senior learns
    start = max(timezone.localdate(cast.pair.published_at), cast.cohort.starts_on)
    assert goal.due_on == start + timedelta(weeks=4)


def test_my_own_words_and_date_win_over_the_suggestion(cast, login, data_step):
    due = timezone.localdate() + timedelta(days=10)
    login(cast.junior).post(
        f"/sessions/pair/{cast.pair.pk}/goals/",
        {"suggestion": str(data_step.pk), "title": "Read a P&L", "due_on": due.isoformat()},
    )
    goal = Goal.objects.get()
    assert (goal.title, goal.due_on, goal.direction) == ("Read a P&L", due, "forward")


def test_a_goal_needs_words_or_a_suggestion(cast, login, data_step):
    response = login(cast.junior).post(f"/sessions/pair/{cast.pair.pk}/goals/", {"title": " "})
    assert response.status_code == 400
    assert "pick a topic from the plan" in response.content.decode()
    assert not Goal.objects.exists()


def test_a_suggestion_from_another_programme_is_refused(cast, login, data_step):
    other = PlanStep.objects.create(
        programme=factories.ProgrammeFactory(), position=1, title="Elsewhere"
    )
    response = login(cast.junior).post(
        f"/sessions/pair/{cast.pair.pk}/goals/", {"suggestion": str(other.pk)}
    )
    assert response.status_code == 400
    assert not Goal.objects.exists()


def test_the_owner_sets_progress_and_date_and_both_partners_see_them(cast, login):
    goal = GoalFactory(pair=cast.pair, owner=cast.junior, direction="forward", title="Budgets")
    client = login(cast.junior)
    due = timezone.localdate() + timedelta(days=30)
    response = client.post(
        f"/sessions/goals/{goal.pk}/edit/",
        {"title": "Budgets", "status": "in_progress", "due_on": due.isoformat(), "progress": 40},
    )
    assert response.status_code == 302
    goal.refresh_from_db()
    assert (goal.progress, goal.due_on) == (40, due)
    client.force_login(cast.senior)
    page = client.get(f"/sessions/pair/{cast.pair.pk}/").content.decode()
    assert f"By {due:%-d %B %Y}" in page and 'value="40"' in page


@pytest.mark.parametrize("progress", ["101", "-5", "lots"])
def test_progress_outside_0_to_100_is_refused(cast, login, progress):
    goal = GoalFactory(pair=cast.pair, owner=cast.junior, direction="forward", progress=10)
    response = login(cast.junior).post(
        f"/sessions/goals/{goal.pk}/edit/",
        {"title": goal.title, "status": "open", "progress": progress},
    )
    assert response.status_code == 200  # the form again, with the message
    goal.refresh_from_db()
    assert goal.progress == 10


def test_an_achieved_goal_is_at_100_percent(cast, login):
    goal = GoalFactory(pair=cast.pair, owner=cast.junior, direction="forward", progress=30)
    login(cast.junior).post(
        f"/sessions/goals/{goal.pk}/edit/",
        {"title": goal.title, "status": "achieved", "progress": 30},
    )
    goal.refresh_from_db()
    assert goal.progress == 100
