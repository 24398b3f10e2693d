"""Every page of the pair's journey answers only the methods it serves: TRACE, PUT, DELETE and
friends get 405, whoever asks."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver

from sessions_log import urls
from sessions_log.models import SessionLog
from tests.sessions_log import pair_factories
from tests.sessions_log.pair_factories import GoalFactory, MeetingFactory, SessionLogFactory

pytestmark = pytest.mark.django_db
login = pair_factories.login


def _flat(patterns, prefix: str = "") -> list[URLPattern]:
    """Every route, included ones too, with its full pattern."""
    flat = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            flat += _flat(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            flat.append(URLPattern(prefix + str(pattern.pattern), pattern.callback))
    return flat


def _urls(cast) -> list[str]:
    meeting = MeetingFactory(pair=cast.pair)
    log: SessionLog = SessionLogFactory(pair=cast.pair, logged_by=cast.junior)
    goal = GoalFactory(pair=cast.pair, owner=cast.junior)
    ids = {
        "pair": cast.pair.pk,
        "meetings": meeting.pk,
        "logs": log.pk,
        "goals": goal.pk,
        "impact": cast.pair.junior.pk,
    }
    found = []
    for pattern in _flat(urls.urlpatterns):
        route = str(pattern.pattern)
        path = (
            route.replace("<str:stage>", "baseline")
            .replace("<str:token>", "abc")
            .replace("<int:step_pk>", "1")
        )
        if "<int:pk>" in route:
            path = path.replace("<int:pk>", str(ids[route.split("/")[0]]))
        found.append("/sessions/" + path)
    return found


@pytest.mark.parametrize("method", ["trace", "put", "patch", "delete"])
def test_no_sessions_page_answers_a_method_it_does_not_serve(cast, login, method):
    client = login(cast.junior)
    for url in _urls(cast):
        response = getattr(client, method)(url)
        assert response.status_code == 405, (url, response.status_code)
        assert "TRACE" not in response["Allow"]


def test_post_only_actions_refuse_a_get(cast, login):
    client = login(cast.junior)
    log = SessionLogFactory(pair=cast.pair, logged_by=cast.junior)
    for url in (
        f"/sessions/pair/{cast.pair.pk}/agreement/",
        f"/sessions/pair/{cast.pair.pk}/logs/",
        f"/sessions/pair/{cast.pair.pk}/goals/",
        f"/sessions/logs/{log.pk}/delete/",
    ):
        assert client.get(url).status_code == 405, url
    assert SessionLog.objects.filter(pk=log.pk).exists()
