"""The cohort's pairing page counts in plain English: "1 junior (1 place)", "asked just now"."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pairing.models import Pair, RematchRequest
from pairing.services import compute_run, pair_publish
from tests.pairing.factories import junior, pairing_cohort, senior

pytestmark = pytest.mark.django_db


def test_one_junior_and_one_senior_are_counted_in_the_singular(cast, login):
    cohort = pairing_cohort(slug="tiny")
    junior(cohort, "Asha", teaches={"TikTok": 3})
    senior(cohort, "Robert", learns={"TikTok": 3})
    senior(cohort, "Carl", learns={"TikTok": 2})
    page = login(cast.hr).get(reverse("pairing:cohort", args=["tiny"])).content.decode()
    text = " ".join(page.replace("<strong>", "").replace("</strong>", "").split())
    assert "1 junior (1 place)" in text
    assert "2 seniors (2 places)" in text
    assert "1 juniors" not in text and "1 places" not in text


def test_a_rematch_request_made_a_moment_ago_was_asked_just_now(cast, login):
    cohort = pairing_cohort(slug="tiny")
    asha = junior(cohort, "Asha", teaches={"TikTok": 3})
    senior(cohort, "Robert", learns={"TikTok": 3})
    pair_publish(run=compute_run(cohort=cohort), by=cast.hr)
    pair = Pair.objects.get(junior=asha)
    RematchRequest.objects.create(pair=pair, requested_by=asha.user, reason="")
    page = login(cast.hr).get(reverse("pairing:cohort", args=["tiny"])).content.decode()
    text = " ".join(page.split())
    assert "asked just now to leave the pair" in text
    assert "0 minutes" not in text


def test_ending_a_pair_names_the_people_not_their_email_addresses(cast, login):
    cohort = pairing_cohort(slug="tiny")
    asha = junior(cohort, "Asha", teaches={"TikTok": 3})
    senior(cohort, "Robert", learns={"TikTok": 3})
    pair = pair_publish(run=compute_run(cohort=cohort), by=cast.hr)[0]
    url = reverse("pairing:pair_end", args=[pair.pk])
    page = (
        login(cast.hr)
        .post(url, {"reason": "Left", "confirmed": "yes"}, follow=True)
        .content.decode()
    )
    names = f"{asha.user.full_name} → {pair.senior.user.full_name}"
    assert f"Ended the pair {names}." in page
    assert asha.user.email not in page
