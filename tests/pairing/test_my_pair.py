"""Participants see their partner and why they were matched, and nothing of other pairs."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from pairing.services import compute_run, pair_publish
from tests.pairing.factories import junior, pairing_cohort, senior


@pytest.fixture
def pairs(db, cast):
    cohort = pairing_cohort(slug="spring")
    asha = junior(
        cohort, "Asha Okafor", teaches={"TikTok": 3}, learns={"Negotiation": 2}, department="Data"
    )
    robert = senior(
        cohort,
        "Robert Lindqvist",
        teaches={"Negotiation": 2},
        learns={"TikTok": 3},
        department="Marketing",
    )
    bea = junior(cohort, "Bea Chen", teaches={"Figma": 2}, department="Sales")
    carl = senior(cohort, "Carl Evans", learns={"Figma": 3}, department="Sales")
    published = pair_publish(run=compute_run(cohort=cohort), by=cast.hr)
    by_junior = {p.junior_id: p for p in published}
    return by_junior[asha.pk], by_junior[bea.pk], asha, robert, bea, carl


def test_the_junior_sees_their_partner_and_the_skills_flowing_each_way(login, pairs):
    asha_pair, _, asha, *_ = pairs
    page = login(asha.user).get(reverse("pairing:my_pair", args=[asha_pair.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "You and Robert Lindqvist" in html
    assert "<strong>TikTok</strong> — you teach it at level 3 of 3" in html
    assert "<strong>Negotiation</strong> — Robert teaches it at level 2 of 3" in html
    assert "different departments (Data and Marketing)" in html


def test_the_senior_sees_the_same_pair_from_their_side(login, pairs):
    asha_pair, _, asha, robert, *_ = pairs
    html = login(robert.user).get(reverse("pairing:my_pair", args=[asha_pair.pk])).content.decode()
    assert "You and Asha Okafor" in html
    assert "<strong>Negotiation</strong> — you teach it at level 2 of 3" in html


def test_no_score_and_no_other_pair_is_ever_shown(login, pairs):
    asha_pair, bea_pair, asha, *_ = pairs
    html = login(asha.user).get(reverse("pairing:my_pair", args=[asha_pair.pk])).content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    # the score as a number of its own ("Cohort 738" may hold its digits on a busy database)
    assert not re.search(rf"(?<!\d){asha_pair.score}(?!\d)", main)
    assert "score" not in main.lower()
    assert "Bea Chen" not in html and "Carl Evans" not in html and "Figma" not in html


def test_anyone_outside_the_pair_gets_404(cast, login, client, pairs):
    asha_pair, bea_pair, asha, robert, bea, carl = pairs
    url = reverse("pairing:my_pair", args=[asha_pair.pk])
    for user in (bea.user, cast.outsider, cast.hr):
        assert login(user).get(url).status_code == 404
        client.logout()
    assert client.get(url).status_code == 302  # anonymous: to the login page
    assert login(asha.user).get(reverse("pairing:my_pair", args=[99999])).status_code == 404


def test_the_participant_home_links_to_why_we_matched_you(login, pairs):
    asha_pair, _, asha, *_ = pairs
    html = login(asha.user).get("/").content.decode()
    assert reverse("pairing:my_pair", args=[asha_pair.pk]) in html
