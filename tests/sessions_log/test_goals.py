import pytest

from sessions_log.models import Goal
from tests.sessions_log import pair_factories
from tests.sessions_log.pair_factories import GoalFactory

pytestmark = pytest.mark.django_db
login = pair_factories.login


def test_each_learner_sets_goals_in_their_own_direction(cast, login):
    client = login(cast.senior)
    client.post(f"/sessions/pair/{cast.pair.pk}/goals/", {"title": "Make a TikTok"})
    client.force_login(cast.junior)
    client.post(f"/sessions/pair/{cast.pair.pk}/goals/", {"title": "Negotiate a budget"})
    goals = {g.title: (g.owner, g.direction) for g in Goal.objects.all()}
    assert goals == {
        "Make a TikTok": (cast.senior, "reverse"),
        "Negotiate a budget": (cast.junior, "forward"),
    }
    page = client.get(f"/sessions/pair/{cast.pair.pk}/").content.decode()
    assert "Make a TikTok" in page and "Negotiate a budget" in page
    assert "What Robert Senior wants to learn from you" in page


def test_an_empty_goal_is_refused(cast, login):
    response = login(cast.senior).post(f"/sessions/pair/{cast.pair.pk}/goals/", {"title": " "})
    assert response.status_code == 400 and "This field is required." in response.content.decode()
    assert not Goal.objects.exists()


def test_only_the_owner_updates_a_goal(cast, login):
    goal = GoalFactory(pair=cast.pair, owner=cast.senior)
    client = login(cast.junior)
    assert client.get(f"/sessions/goals/{goal.pk}/edit/").status_code == 404
    assert (
        client.post(
            f"/sessions/goals/{goal.pk}/edit/", {"title": "Hijacked", "status": "dropped"}
        ).status_code
        == 404
    )
    client.force_login(cast.senior)
    response = client.post(
        f"/sessions/goals/{goal.pk}/edit/",
        {"title": goal.title, "status": "in_progress", "progress_note": "Posted twice."},
    )
    assert response.status_code == 302
    goal.refresh_from_db()
    assert (goal.status, goal.progress_note) == ("in_progress", "Posted twice.")
    page = client.get(f"/sessions/pair/{cast.pair.pk}/").content.decode()
    assert "In progress" in page and "Posted twice." in page


def test_a_bad_status_is_refused(cast, login):
    goal = GoalFactory(pair=cast.pair, owner=cast.senior)
    response = login(cast.senior).post(
        f"/sessions/goals/{goal.pk}/edit/", {"title": "x", "status": "hacked"}
    )
    assert "Select a valid choice" in response.content.decode()
    goal.refresh_from_db()
    assert goal.status == "open"
