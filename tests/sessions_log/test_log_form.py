"""The session log form, loaded when "Log a session" is opened on the pair page (htmx), or on a
page of its own without JavaScript; only the pair's two partners may open it."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from sessions_log.models import SessionLog
from tests.sessions_log import pair_factories

pytestmark = pytest.mark.django_db
login = pair_factories.login

HTMX = {"HTTP_HX_REQUEST": "true"}


def _form_url(pair) -> str:
    return f"/sessions/pair/{pair.pk}/logs/new/"


def _entry(form: str, summary: str) -> dict:
    """What a person sends after filling in the form as it came: its one-time token and the
    defaults it offered."""
    return {
        "form_token": re.search(r'name="form_token" value="([0-9a-f-]{36})"', form).group(1),
        "held_on": re.search(r'name="held_on" value="([0-9-]+)"', form).group(1),
        "minutes": re.search(r'name="minutes" value="(\d+)"', form).group(1),
        "direction": "reverse",
        "shared_summary": summary,
    }


def test_the_pair_page_loads_the_form_when_opened_and_links_to_it_without_javascript(cast, login):
    page = login(cast.junior).get(f"/sessions/pair/{cast.pair.pk}/").content.decode()
    assert "Log a session" in page
    assert 'name="held_on"' not in page  # not built until the person opens it
    assert re.search(
        rf'<details hx-get="{_form_url(cast.pair)}" hx-trigger="toggle once" '
        r'hx-target="find \.log-form-slot"',
        page,
    )
    assert f'<a href="{_form_url(cast.pair)}">Open the form to log a session</a>' in page


def test_opened_with_htmx_only_the_form_comes_back_and_it_logs_into_the_sessions_section(
    cast, login
):
    client = login(cast.senior)
    response = client.get(_form_url(cast.pair), **HTMX)
    form = response.content.decode()
    assert response.status_code == 200 and "HX-Request" in response["Vary"]
    assert form.lstrip().startswith("<form") and "<html" not in form and "<h1" not in form
    assert f'hx-post="/sessions/pair/{cast.pair.pk}/logs/" hx-target="#sessions"' in form
    assert f'value="{timezone.localdate():%Y-%m-%d}"' in form

    logged = client.post(
        f"/sessions/pair/{cast.pair.pk}/logs/", _entry(form, "Mapped the org chart."), **HTMX
    )
    html = logged.content.decode()
    assert logged.status_code == 200 and html.lstrip().startswith('<section id="sessions"')
    assert "Mapped the org chart." in html and "Session logged." in html
    # The next session's form is loaded afresh when opened again, with a new token.
    assert 'name="held_on"' not in html and f'hx-get="{_form_url(cast.pair)}"' in html
    again = client.get(_form_url(cast.pair), **HTMX).content.decode()
    assert _entry(again, "")["form_token"] != _entry(form, "")["form_token"]
    assert SessionLog.objects.get().logged_by == cast.senior


def test_without_javascript_the_form_is_a_page_of_its_own_that_leads_back(cast, login):
    client = login(cast.junior)
    page = client.get(_form_url(cast.pair)).content.decode()
    assert "<h1>Log a session</h1>" in page
    assert f'href="/sessions/pair/{cast.pair.pk}/#sessions"' in page
    assert re.search(r'<main id="main" class="container" hx-disable>', page)
    response = client.post(f"/sessions/pair/{cast.pair.pk}/logs/", _entry(page, "Reels."))
    assert response.status_code == 302
    assert response["Location"] == f"/sessions/pair/{cast.pair.pk}/#sessions"
    assert SessionLog.objects.get().shared_summary == "Reels."


@pytest.mark.parametrize("who", ["outsider", "hr", "manager"])
def test_nobody_but_the_two_partners_may_open_the_log_form(cast, login, who):
    client = login(getattr(cast, who))
    assert client.get(_form_url(cast.pair)).status_code == 404
    assert client.get(_form_url(cast.pair), **HTMX).status_code == 404


def test_the_log_form_needs_a_login(cast, client):
    response = client.get(_form_url(cast.pair))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_closed_cohort_offers_no_log_form(cast, login):
    cast.cohort.status = "closed"
    cast.cohort.save()
    client = login(cast.junior)
    for response in (client.get(_form_url(cast.pair)), client.get(_form_url(cast.pair), **HTMX)):
        html = response.content.decode()
        assert "sessions can no longer be logged" in html
        assert 'name="held_on"' not in html


def test_an_ended_pair_offers_no_log_form(cast, login):
    cast.pair.end("Moved on")
    html = login(cast.senior).get(_form_url(cast.pair)).content.decode()
    assert "sessions can no longer be logged" in html
    assert 'name="held_on"' not in html
