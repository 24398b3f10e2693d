"""Plan text is HR's and travels to every pair: it is never live markup, and htmx is off
around it wherever it is shown."""

from __future__ import annotations

import pytest

from mentoring.models import PlanStep
from tests.test_hostile_markup import _TextOutsideHxDisable

HOSTILE = '<img src=x onerror=alert(1)> <div hx-get="/" hx-trigger=load>'


@pytest.fixture
def hostile_plan(cast):
    programme = cast.cohort.programme
    programme.name = f"Programme {HOSTILE}"
    programme.junior_guide = programme.senior_guide = f"Guide {HOSTILE}"
    programme.save()
    PlanStep.objects.create(
        programme=programme,
        position=1,
        title=f"Step {HOSTILE}",
        topic=f"Topic {HOSTILE}",
        junior_prompts=f"Bring {HOSTILE}",
        senior_prompts=f"Give {HOSTILE}",
        resources=[{"title": f"Read {HOSTILE}", "text": f"Note {HOSTILE}"}],
    )
    return programme


@pytest.mark.parametrize(
    "who, url",
    [
        ("junior", "/sessions/pair/{pair}/"),
        ("senior", "/sessions/pair/{pair}/guide/"),
        ("hr", "/programmes/{slug}/plan/"),
        ("hr", "/programmes/{slug}/guides/"),
    ],
)
def test_plan_text_is_escaped_and_kept_away_from_htmx(cast, login, hostile_plan, who, url):
    client = login(getattr(cast, who))
    response = client.get(url.format(pair=cast.pair.pk, slug=hostile_plan.slug))
    body = response.content.decode()
    assert response.status_code == 200
    assert "<img src=x" not in body and 'hx-trigger=load">' not in body
    parser = _TextOutsideHxDisable("hx-trigger=load")
    parser.feed(body)
    assert parser.exposed == []
