"""Every view answers only the methods it serves: TRACE, PUT and DELETE get 405 everywhere.

The crawl signs in as somebody who passes every role check (HR admin and manager), so the
method check is what answers, not a login redirect or a 403.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests import factories

pytestmark = pytest.mark.django_db


def _routes(*, third_party: bool = False) -> list[str]:
    """The site's routes, or (``third_party``) those that allauth's URL modules declare."""

    def walk(patterns, prefix="", theirs=False):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                module = getattr(pattern.urlconf_name, "__name__", str(pattern.urlconf_name))
                if not route.startswith("admin"):
                    yield from walk(
                        pattern.url_patterns, route, theirs or module.startswith("allauth")
                    )
            elif isinstance(pattern, URLPattern) and "^" not in route and theirs == third_party:
                yield route

    return sorted(set(walk(get_resolver().url_patterns)))


def _url(route: str) -> str:
    values = {"int": "1", "slug": "x", "str": "x", "path": "x", "uuid": "x"}
    return "/" + re.sub(
        r"<(?:(\w+):)?\w+>", lambda m: values.get(m[1] or "str", "x"), route.replace("$", "")
    )


@pytest.fixture
def everybody(db) -> Client:
    user = factories.hr_admin(email="both@example.com")
    user.groups.add(*factories.manager(email="m@example.com").groups.all())
    client = Client()
    client.force_login(user)
    client.raise_request_exception = False
    return client


def test_the_crawl_finds_the_sites_own_views_and_allauths():
    routes = _routes()
    assert "" in routes and "dashboard/" in routes and len(routes) > 40
    assert "accounts/login/" in _routes(third_party=True) and "accounts/login/" not in routes


@pytest.mark.parametrize("route", _routes())
def test_no_view_of_the_site_answers_trace_put_or_delete(everybody, route):
    url = _url(route)
    answers = {m: everybody.generic(m, url).status_code for m in ("TRACE", "PUT", "DELETE")}
    assert answers == dict.fromkeys(answers, 405), url


@pytest.mark.parametrize("route", _routes(third_party=True))
def test_no_allauth_view_serves_trace_or_delete(everybody, route):
    # allauth's views send a signed-in person elsewhere (or 404 a switched-off feature) before
    # they look at the method, and its form views take PUT as POST (CSRF still applies): what
    # matters is that none of them serves TRACE or DELETE.
    url = _url(route)
    for method in ("TRACE", "DELETE"):
        assert everybody.generic(method, url).status_code not in range(200, 300), (method, url)


def test_trace_on_the_home_page_is_refused(client):
    assert client.generic("TRACE", "/").status_code == 405
