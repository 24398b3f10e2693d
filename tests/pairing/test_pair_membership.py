"""One membership rule for a pair's pages in both apps: its two people, once it is published."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

PAGES = ["pairing:my_pair", "sessions_log:pair"]


@pytest.mark.parametrize("page", PAGES)
def test_both_partners_open_their_published_pair(cast, login, page):
    for person in (cast.junior, cast.senior):
        assert login(person).get(reverse(page, args=[cast.pair.pk])).status_code == 200


@pytest.mark.parametrize("page", PAGES)
def test_a_pair_not_yet_published_is_not_found_by_its_people(cast, login, page):
    cast.pair.published_at = None
    cast.pair.save(update_fields=["published_at"])

    response = login(cast.junior).get(reverse(page, args=[cast.pair.pk]))

    assert response.status_code == 404


@pytest.mark.parametrize("page", PAGES)
def test_an_outsider_gets_not_found_on_the_pair(cast, login, page):
    assert login(cast.outsider).get(reverse(page, args=[cast.pair.pk])).status_code == 404
