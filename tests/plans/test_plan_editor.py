"""HR edits a programme's session plan and guides in the browser."""

from __future__ import annotations

import pytest

from mentoring.models import PlanStep
from tests import factories

HX = {"HTTP_HX_REQUEST": "true"}


def _step(programme, position: int, title: str, **extra) -> PlanStep:
    return PlanStep.objects.create(
        programme=programme, position=position, title=title, due_week=position * 2, **extra
    )


def _form(**overrides) -> dict:
    data = {
        "kind": "session",
        "title": "Social media in practice",
        "topic": "Social media",
        "due_week": "4",
        "junior_prompts": "Show one post that worked\nOpen LinkedIn together",
        "senior_prompts": "How a message is approved at board level",
        "resources_text": "LinkedIn help | https://www.linkedin.com/help\nTip | Post on Tuesdays",
    }
    data.update(overrides)
    return data


def _titles(programme) -> list[str]:
    return list(programme.plan_steps.order_by("position").values_list("title", flat=True))


@pytest.fixture
def programme(cast):
    return cast.cohort.programme


def test_hr_adds_a_step_with_prompts_and_resources(cast, login, programme):
    client = login(cast.hr)
    response = client.post(f"/programmes/{programme.slug}/plan/", _form())
    assert response.status_code == 302
    step = programme.plan_steps.get()
    assert step.position == 1
    assert step.junior_prompt_lines == ["Show one post that worked", "Open LinkedIn together"]
    assert step.resources == [
        {"title": "LinkedIn help", "url": "https://www.linkedin.com/help"},
        {"title": "Tip", "text": "Post on Tuesdays"},
    ]
    page = client.get(f"/programmes/{programme.slug}/plan/").content.decode()
    assert "Social media in practice" in page
    assert 'href="https://www.linkedin.com/help"' in page


def test_adding_with_htmx_returns_only_the_steps_section(cast, login, programme):
    response = login(cast.hr).post(f"/programmes/{programme.slug}/plan/", _form(), **HX)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="plan-steps"' in body and "<html" not in body
    assert "Social media in practice" in body


@pytest.mark.parametrize(
    "line",
    [
        "Bad | javascript:alert(1)",
        "Bad | data:text/html,hi",
        "Bad | ftp://example.com/file",
        "no separator here",
    ],
)
def test_a_resource_that_is_not_an_http_link_or_text_is_refused(cast, login, programme, line):
    response = login(cast.hr).post(
        f"/programmes/{programme.slug}/plan/", _form(resources_text=line)
    )
    assert response.status_code == 400
    assert "nothing was saved" in response.content.decode()
    assert not programme.plan_steps.exists()


def test_a_step_without_a_title_or_with_a_week_out_of_range_is_refused(cast, login, programme):
    client = login(cast.hr)
    assert client.post(f"/programmes/{programme.slug}/plan/", _form(title="  ")).status_code == 400
    assert (
        client.post(f"/programmes/{programme.slug}/plan/", _form(due_week="500")).status_code == 400
    )
    assert (
        client.post(f"/programmes/{programme.slug}/plan/", _form(due_week="-1")).status_code == 400
    )
    assert not programme.plan_steps.exists()


def test_hr_moves_a_step_up_and_down_with_htmx(cast, login, programme):
    first, second, third = (_step(programme, n, t) for n, t in enumerate("ABC", start=1))
    client = login(cast.hr)
    url = f"/programmes/{programme.slug}/plan/steps/{third.pk}/move/"
    response = client.post(url, {"direction": "up"}, **HX)
    assert response.status_code == 200 and "<html" not in response.content.decode()
    assert _titles(programme) == ["A", "C", "B"]
    client.post(f"/programmes/{programme.slug}/plan/steps/{first.pk}/move/", {"direction": "down"})
    assert _titles(programme) == ["C", "A", "B"]
    # Moving the first step up changes nothing.
    client.post(url, {"direction": "up"})
    client.post(url, {"direction": "up"})
    assert _titles(programme) == ["C", "A", "B"]


def test_moving_without_javascript_redirects_back_to_the_plan(cast, login, programme):
    _step(programme, 1, "A")
    second = _step(programme, 2, "B")
    response = login(cast.hr).post(
        f"/programmes/{programme.slug}/plan/steps/{second.pk}/move/", {"direction": "up"}
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"/programmes/{programme.slug}/plan/#step-{second.pk}")
    assert _titles(programme) == ["B", "A"]


def test_deleting_a_step_closes_the_gap_and_a_second_click_is_harmless(cast, login, programme):
    _step(programme, 1, "A")
    middle = _step(programme, 2, "B")
    _step(programme, 3, "C")
    client = login(cast.hr)
    url = f"/programmes/{programme.slug}/plan/steps/{middle.pk}/delete/"
    assert client.post(url, **HX).status_code == 200
    assert client.post(url, **HX).status_code == 200
    assert list(programme.plan_steps.values_list("title", "position")) == [("A", 1), ("C", 2)]


def test_hr_edits_a_step(cast, login, programme):
    step = _step(programme, 1, "A")
    client = login(cast.hr)
    url = f"/programmes/{programme.slug}/plan/steps/{step.pk}/edit/"
    assert "A" in client.get(url).content.decode()
    response = client.post(url, _form(title="Data and dashboards", kind="midpoint"))
    assert response.status_code == 302
    step.refresh_from_db()
    assert (step.title, step.kind, step.due_week) == ("Data and dashboards", "midpoint", 4)


def test_a_step_of_another_programme_is_not_found(cast, login, programme):
    other = _step(factories.ProgrammeFactory(), 1, "Elsewhere")
    client = login(cast.hr)
    assert (
        client.get(f"/programmes/{programme.slug}/plan/steps/{other.pk}/edit/").status_code == 404
    )
    client.post(f"/programmes/{programme.slug}/plan/steps/{other.pk}/delete/")
    assert PlanStep.objects.filter(pk=other.pk).exists()


def test_hr_edits_the_guides_which_start_with_shipped_defaults(cast, login, programme):
    client = login(cast.hr)
    page = client.get(f"/programmes/{programme.slug}/guides/").content.decode()
    assert "intimidated" in page
    response = client.post(
        f"/programmes/{programme.slug}/guides/",
        {"junior_guide": "Be brave <b>now</b>", "senior_guide": "Listen first"},
    )
    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.junior_guide == "Be brave <b>now</b>"


@pytest.mark.parametrize("who", ["manager", "junior", "senior", "outsider"])
def test_only_hr_can_open_or_change_the_plan(cast, login, programme, who):
    step = _step(programme, 1, "A")
    client = login(getattr(cast, who))
    assert client.get(f"/programmes/{programme.slug}/plan/").status_code == 403
    assert client.post(f"/programmes/{programme.slug}/plan/", _form()).status_code == 403
    assert client.post(f"/programmes/{programme.slug}/guides/", {}).status_code == 403
    client.post(f"/programmes/{programme.slug}/plan/steps/{step.pk}/delete/")
    assert programme.plan_steps.count() == 1


def test_markup_in_a_step_is_shown_as_text(cast, login, programme):
    _step(programme, 1, "<script>alert(1)</script>", junior_prompts="<img src=x onerror=alert(1)>")
    page = login(cast.hr).get(f"/programmes/{programme.slug}/plan/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;img src=x" in page
