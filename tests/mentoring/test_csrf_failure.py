"""A form refused for a missing or stale CSRF token gets the site's own page, not Django's."""

from __future__ import annotations

import pytest
from django.test import Client

from mentoring.models import Programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def strict_client(cast) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.hr)
    return client


def test_a_form_without_its_token_gets_the_sites_page_and_saves_nothing(strict_client):
    response = strict_client.post(
        "/programmes/new/",
        {"name": "Spring", "slug": "spring"},
        HTTP_REFERER="http://testserver/programmes/new/",
    )
    html = response.content.decode()
    assert response.status_code == 403
    assert "Your form was not sent" in html and "Nothing was saved" in html
    assert 'href="http://testserver/programmes/new/"' in html  # back where they were
    assert "Twoway" in html and "CSRF verification failed" not in html
    assert "Reason given for failure" not in html
    assert not Programme.objects.filter(slug="spring").exists()


@pytest.mark.parametrize("referer", ["https://evil.example/", "javascript:alert(1)", ""])
def test_the_link_back_never_leaves_the_site(strict_client, referer):
    response = strict_client.post("/programmes/new/", {"name": "x"}, HTTP_REFERER=referer)
    assert response.status_code == 403
    assert 'href="/" role="button"' in response.content.decode()


def test_logging_out_with_a_stale_token_explains_itself(cast):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.junior)
    client.cookies["csrftoken"] = "x" * 32
    response = client.post("/accounts/logout/", {"csrfmiddlewaretoken": "y" * 32})
    assert response.status_code == 403
    assert "Your form was not sent" in response.content.decode()
