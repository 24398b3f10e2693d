"""A programme that lasts: top-up runs, never again, churn (DESIGN.md "Pairing score")."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from mentoring import outbox
from mentoring.models import Cohort, OutboxMessage
from mentoring.privacy.models import PastPairHash
from mentoring.services.enrolments import enrolment_update
from pairing.attention import waiting_for_partner
from pairing.models import Pair
from pairing.services import (
    PairingRefused,
    PublishRefused,
    compute_run,
    end_pair,
    pair_publish,
    start_run,
)
from tests.pairing.factories import junior, pairing_cohort, senior


@pytest.fixture
def live(db, cast):
    """A cohort whose first run is published: Asha–Robert and Bea–Carl; emails sent."""
    cohort = pairing_cohort(slug="spring")
    people = {
        "asha": junior(cohort, "Asha", teaches={"TikTok": 3}),
        "bea": junior(cohort, "Bea", teaches={"Figma": 3}),
        "robert": senior(cohort, "Robert", learns={"TikTok": 3}),
        "carl": senior(cohort, "Carl", learns={"Figma": 3}),
    }
    pair_publish(run=compute_run(cohort=cohort), by=cast.hr)
    outbox.send_due()
    mail.outbox.clear()
    cohort.refresh_from_db()
    return cohort, people


def _pair(people, junior_name, senior_name) -> Pair:
    return Pair.objects.get(junior=people[junior_name], senior=people[senior_name])


def test_a_top_up_pairs_only_late_joiners_and_publishing_emails_only_them(cast, live):
    cohort, people = live
    dan = junior(cohort, "Dan", teaches={"TikTok": 2})
    eve = senior(cohort, "Eve", learns={"TikTok": 2})
    run = compute_run(cohort=cohort)
    assert run.top_up and run.number == 2 and run.label == "Run 2 (top-up)"
    assert [(p.junior_id, p.senior_id) for p in run.proposals.all()] == [(dan.pk, eve.pk)]
    pairs = pair_publish(run=run, by=cast.hr)
    assert [(p.junior_id, p.senior_id) for p in pairs] == [(dan.pk, eve.pk)]
    assert Pair.objects.filter(cohort=cohort, status="active").count() == 3
    outbox.send_due()
    assert sorted(m.to[0] for m in mail.outbox) == ["dan@example.com", "eve@example.com"]


def test_a_second_partner_never_costs_someone_their_only_one(cast, live):
    cohort, people = live
    people["asha"].capacity = 2  # Asha could take a second senior, and scores higher with Eve
    people["asha"].save()
    dan = junior(cohort, "Dan", teaches={"TikTok": 1})
    eve = senior(cohort, "Eve", learns={"TikTok": 3})
    run = compute_run(cohort=cohort)
    assert [(p.junior_id, p.senior_id) for p in run.proposals.all()] == [(dan.pk, eve.pk)]


def test_an_ended_pair_is_never_proposed_again_and_is_kept_as_a_keyed_hash(cast, live):
    cohort, people = live
    pair = _pair(people, "asha", "robert")
    assert end_pair(pair=pair, reason="Moved team", by=cast.hr)
    assert PastPairHash.objects.count() == 1
    run = compute_run(cohort=cohort)
    assert run.top_up and run.pairs_count == 0
    assert {e.pk for e in waiting_for_partner(cohort)} == {people["asha"].pk, people["robert"].pk}


def test_partners_of_a_purged_cohort_are_never_paired_again_by_their_hash(cast, live):
    cohort, people = live
    cohort.move_to(Cohort.Status.CLOSED)  # both pairs are hashed when the cohort closes
    assert PastPairHash.objects.count() == 2
    Pair.objects.filter(cohort=cohort).delete()  # as if the retention purge had run
    again = pairing_cohort(slug="next-year")
    junior(again, "Asha", user=people["asha"].user, teaches={"TikTok": 3})
    senior(again, "Robert", user=people["robert"].user, learns={"TikTok": 3})
    run = compute_run(cohort=again)
    assert not run.top_up and run.number == 1 and run.pairs_count == 0


def test_a_withdrawal_ends_the_persons_pairs_and_frees_their_partner(cast, live):
    cohort, people = live
    notes = enrolment_update(
        enrolment=people["robert"], side="senior", capacity=1, status="withdrawn"
    )
    assert notes and "Asha needs a new partner" in notes[0]
    assert _pair(people, "asha", "robert").status == "ended"
    assert list(waiting_for_partner(cohort)) == [people["asha"]]


def test_an_older_draft_run_cannot_be_published_over_a_newer_publication(cast, live):
    cohort, people = live
    junior(cohort, "Dan", teaches={"TikTok": 2})
    senior(cohort, "Eve", learns={"TikTok": 2})
    older = compute_run(cohort=cohort)
    pair_publish(run=compute_run(cohort=cohort), by=cast.hr)
    with pytest.raises(PublishRefused, match="Run pairing again"):
        pair_publish(run=older, by=cast.hr)


def test_pairing_a_draft_cohort_is_refused_with_the_reason(cast, login):
    cohort = pairing_cohort(slug="draft", status=Cohort.Status.DRAFT)
    junior(cohort, "Asha", teaches={"TikTok": 3})
    senior(cohort, "Robert", learns={"TikTok": 3})
    with pytest.raises(PairingRefused, match="still a draft"):
        start_run(cohort=cohort, by=cast.hr)
    response = login(cast.hr).post(reverse("pairing:run_start", args=["draft"]), follow=True)
    assert "still a draft: invite its people first" in response.content.decode()
    assert not cohort.pairing_runs.exists()


def test_pair_cohort_publish_prints_and_emails_only_the_new_pairs(cast, live):
    cohort, people = live
    junior(cohort, "Dan", teaches={"TikTok": 2})
    senior(cohort, "Eve", learns={"TikTok": 2})
    out = StringIO()
    call_command("pair_cohort", "spring", "--json", "--publish", stdout=out)
    result = json.loads(out.getvalue())
    assert [(p["junior"], p["senior"]) for p in result["pairs"]] == [
        ("dan@example.com", "eve@example.com")
    ]
    assert result["unmatched_juniors"] == [] and result["unmatched_seniors"] == []
    assert result["total_score"] == result["pairs"][0]["score"]
    published = OutboxMessage.objects.filter(kind="pairs_published", sent_at__isnull=True)
    assert sorted(r.recipient.email for r in published) == ["dan@example.com", "eve@example.com"]


def test_the_board_of_a_top_up_counts_active_pairs_as_taken_places(cast, login, live):
    cohort, people = live
    junior(cohort, "Dan", teaches={"TikTok": 2})
    run = compute_run(cohort=cohort)
    page = login(cast.hr).get(reverse("pairing:board", args=["spring", run.pk])).content.decode()
    assert "A top-up run" in page and "Run 2 (top-up)" in page
    # Only Dan has a free place: the four people of the published pairs are full.
    assert '<span class="figure">1 / 0</span>' in page


def test_hrs_cohort_page_and_home_show_who_waits_and_offer_the_top_up(cast, login, live):
    cohort, people = live
    client = login(cast.hr)
    added = client.post(
        reverse("mentoring:enrolment_add", args=["spring"]),
        {"email": "dan@example.com", "full_name": "Dan Late", "side": "junior", "capacity": 1},
        follow=True,
    ).content.decode()
    assert "They are invited and wait for a partner" in added
    assert OutboxMessage.objects.filter(
        kind="invitation", recipient__email="dan@example.com"
    ).exists()
    page = client.get(reverse("mentoring:cohort_detail", args=["spring"])).content.decode()
    assert '<strong id="waiting-count">1</strong> person waits for a partner' in page
    assert "Run a top-up" in page
    home = client.get(reverse("mentoring:home")).content.decode()
    assert "Needs you" in home and "1 waiting for a partner" in home
    started = client.post(reverse("pairing:run_start", args=["spring"]), follow=True)
    assert "Run 2 (top-up)" in started.content.decode()
