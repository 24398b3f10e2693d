"""Nobody sees another person's shortlist marks: a crawl of every page and pairing fragment.

The junior marks their partner "I'd like". Only they read their own mark ("You asked for this
pair"); the partner (who did not mark), a manager, an outsider and an anonymous visitor find
no mark and no "asked" wording anywhere."""

from __future__ import annotations

import itertools
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from pairing.models import Shortlist, Suggestion

pytestmark = pytest.mark.django_db

MARK_WORDS = ("asked for", "I'd like</strong>", "Rather not</strong>", 'aria-pressed="true"')


@pytest.fixture
def marked(cast):
    shortlist = Shortlist.objects.create(
        cohort=cast.cohort,
        closes_at=timezone.now() + timedelta(days=3),
        prepared_at=timezone.now(),  # the task's rows, as below
    )
    like = Suggestion.objects.create(
        shortlist=shortlist, chooser=cast.pair.junior, candidate=cast.pair.senior, mark="like"
    )
    # The senior was suggested the junior too, and has not marked them.
    unmarked = Suggestion.objects.create(
        shortlist=shortlist, chooser=cast.pair.senior, candidate=cast.pair.junior
    )
    return cast, [like.pk, unmarked.pk]


def _routes() -> list[str]:
    def walk(patterns, prefix=""):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                if not route.startswith("admin"):
                    yield from walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and "^" not in route:
                yield route

    return list(walk(get_resolver().url_patterns))


def _pages(user, cast, suggestion_ids: list[int]) -> dict[str, str]:
    ints = sorted({cast.pair.pk, cast.pair.junior.pk, cast.pair.senior.pk, *suggestion_ids})
    values = {
        "int": [str(i) for i in ints],
        "slug": [cast.cohort.slug, cast.cohort.programme.slug],
        "str": ["x", "open", "remind"],
        "path": ["x"],
    }
    client = Client()
    client.raise_request_exception = False
    if user is not None:
        client.force_login(user)
    pages = {}
    for route in _routes():
        slots = re.findall(r"<(?:(\w+):)?(\w+)>", route)
        combos = itertools.product(*[values.get(conv or "str", ["x"]) for conv, _ in slots])
        for combo in itertools.islice(combos, 12):
            url = route
            for value in combo:
                url = re.sub(r"<[^>]+>", value, url, count=1)
            for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
                response = client.get("/" + url, **headers)
                body = (
                    b"".join(response.streaming_content) if response.streaming else response.content
                )
                pages[f"/{url} {'htmx' if headers else ''}"] = body.decode("utf-8", "replace")
    return pages


@pytest.mark.parametrize("who", ["senior", "manager", "outsider", "anonymous"])
def test_no_page_or_fragment_shows_the_juniors_mark_to_anyone_else(marked, who):
    cast, suggestion_ids = marked
    user = None if who == "anonymous" else getattr(cast, who)
    pages = _pages(user, cast, suggestion_ids)
    assert len(pages) > 100  # the crawl really walked the site
    leaks = [url for url, body in pages.items() if any(word in body for word in MARK_WORDS)]
    assert leaks == []


def test_the_junior_reads_their_own_mark_where_the_crawl_looks(marked):
    cast, suggestion_ids = marked
    pages = _pages(cast.junior, cast, suggestion_ids)
    assert any("You asked for this pair" in body for body in pages.values())
    assert any("I'd like</strong>" in body for body in pages.values())
