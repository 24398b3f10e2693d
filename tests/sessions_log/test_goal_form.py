"""The form to set a goal, loaded when "Set a goal" is opened on the pair page (htmx), or on a
page of its own without JavaScript; only the pair's two partners may open it."""

from __future__ import annotations

import re

import pytest

from mentoring.models import PlanStep
from sessions_log.models import Goal
from tests.sessions_log import pair_factories

pytestmark = pytest.mark.django_db
login = pair_factories.login

HTMX = {"HTTP_HX_REQUEST": "true"}


def _form_url(pair) -> str:
    return f"/sessions/pair/{pair.pk}/goals/new/"


def _entry(form: str, title: str) -> dict:
    """What a person sends after filling in the form as it came, with its one-time token."""
    token = re.search(r'name="form_token" value="([0-9a-f-]{36})"', form).group(1)
    return {"form_token": token, "title": title, "progress_note": ""}


def test_the_pair_page_loads_the_goal_form_when_opened_and_links_to_it_without_javascript(
    cast, login
):
    page = login(cast.junior).get(f"/sessions/pair/{cast.pair.pk}/").content.decode()
    assert "Set a goal" in page
    assert 'name="title"' not in page  # not built until the person opens it
    assert re.search(
        rf'<details hx-get="{_form_url(cast.pair)}" hx-trigger="toggle once" '
        r'hx-target="find \.goal-form-slot"',
        page,
    )
    assert f'<a href="{_form_url(cast.pair)}">Open the form to set a goal</a>' in page


def test_opened_with_htmx_only_the_form_comes_back_with_the_plans_suggestions(cast, login):
    PlanStep.objects.create(
        programme=cast.cohort.programme, position=1, title="Reading a P&L", topic="Finance"
    )
    client = login(cast.junior)
    response = client.get(_form_url(cast.pair), **HTMX)
    form = response.content.decode()
    assert response.status_code == 200 and "HX-Request" in response["Vary"]
    assert form.lstrip().startswith("<form") and "<html" not in form and "<h1" not in form
    assert f'action="/sessions/pair/{cast.pair.pk}/goals/"' in form and "hx-disable" in form
    assert "Finance: Reading a P&amp;L" in form

    response = client.post(f"/sessions/pair/{cast.pair.pk}/goals/", _entry(form, "Read a P&L"))
    assert response["Location"] == f"/sessions/pair/{cast.pair.pk}/#goals"
    assert Goal.objects.get().title == "Read a P&L"


def test_without_javascript_the_goal_form_is_a_page_of_its_own_that_leads_back(cast, login):
    client = login(cast.senior)
    page = client.get(_form_url(cast.pair)).content.decode()
    assert "<h1>Set a goal</h1>" in page
    assert f'href="/sessions/pair/{cast.pair.pk}/#goals"' in page
    response = client.post(f"/sessions/pair/{cast.pair.pk}/goals/", _entry(page, "Post on Reels"))
    assert response.status_code == 302
    assert Goal.objects.get().owner == cast.senior


def test_a_refused_goal_shows_the_form_open_in_place_with_its_error(cast, login):
    client = login(cast.senior)
    form = client.get(_form_url(cast.pair)).content.decode()
    response = client.post(f"/sessions/pair/{cast.pair.pk}/goals/", _entry(form, " "))
    page = response.content.decode()
    assert response.status_code == 400
    assert "<details open>" in page and 'name="title"' in page and 'role="alert"' in page
    assert not Goal.objects.exists()


@pytest.mark.parametrize("who", ["outsider", "hr", "manager"])
def test_nobody_but_the_two_partners_may_open_the_goal_form(cast, login, who):
    client = login(getattr(cast, who))
    assert client.get(_form_url(cast.pair)).status_code == 404
    assert client.get(_form_url(cast.pair), **HTMX).status_code == 404


def test_the_goal_form_needs_a_login(cast, client):
    response = client.get(_form_url(cast.pair))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_ended_pair_offers_no_goal_form(cast, login):
    cast.pair.end("Moved on")
    client = login(cast.senior)
    html = client.get(_form_url(cast.pair)).content.decode()
    assert "goals can no longer be set" in html and 'name="title"' not in html
    assert "Set a goal" not in client.get(f"/sessions/pair/{cast.pair.pk}/").content.decode()
