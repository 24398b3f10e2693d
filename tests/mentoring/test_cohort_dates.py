"""Cohort dates stay sane: a typo like year 1 or 9999, or a cohort that runs for decades, is
refused with a message, so no page or reminder ever has to compute with it."""

from __future__ import annotations

import pytest

from mentoring.models import Cohort
from tests.mentoring.test_cohort_pages import cohort_form

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "dates, message",
    [
        ({"starts_on": "0001-01-01"}, "Choose a date between 1 January 2000 and 31 December 2100"),
        ({"ends_on": "9999-12-31"}, "Choose a date between 1 January 2000 and 31 December 2100"),
        ({"starts_on": "1999-12-31", "ends_on": "2000-06-01"}, "Choose a date between"),
        ({"starts_on": "2027-01-01", "ends_on": "2040-01-01"}, "at most 5 years"),
        ({"starts_on": "2027-03-01", "ends_on": "2027-02-01"}, "must end on or after"),
    ],
)
def test_absurd_cohort_dates_are_refused_with_a_message(cast, hr_client, dates, message):
    programme = cast.cohort.programme
    before = Cohort.objects.count()
    response = hr_client.post(f"/programmes/{programme.slug}/cohorts/new/", cohort_form(**dates))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Cohort.objects.count() == before

    starts_on = cast.cohort.starts_on
    response = hr_client.post(
        f"/cohorts/{cast.cohort.slug}/edit/",
        cohort_form(**{"name": "Autumn", "slug": "autumn", **dates}),
    )
    assert response.status_code == 200 and message in response.content.decode()
    cast.cohort.refresh_from_db()
    assert cast.cohort.starts_on == starts_on


def test_dates_at_the_edges_and_open_ended_cohorts_are_accepted(cast, hr_client):
    programme = cast.cohort.programme
    for name, dates in (
        ("Edge", {"starts_on": "2096-01-01", "ends_on": "2100-12-31"}),
        ("Open", {"starts_on": "2027-01-01", "ends_on": ""}),
    ):
        response = hr_client.post(
            f"/programmes/{programme.slug}/cohorts/new/", cohort_form(name=name, **dates)
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        assert Cohort.objects.filter(name=name).exists()


def test_the_date_pickers_offer_only_the_allowed_range(cast, hr_client):
    page = hr_client.get(f"/programmes/{cast.cohort.programme.slug}/cohorts/new/").content.decode()
    assert 'min="2000-01-01"' in page and 'max="2100-12-31"' in page
