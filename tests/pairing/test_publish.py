"""Publishing: the run's proposals become pairs in one go, and each person hears once."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from mentoring import outbox
from mentoring.models import OutboxMessage
from pairing.models import Pair, Proposal
from pairing.services import BoardConflict, PublishRefused, compute_run, pair_publish
from tests.pairing.factories import junior, pairing_cohort, senior


@pytest.fixture
def cohort(db):
    return pairing_cohort(slug="spring")


@pytest.fixture
def run(cohort):
    junior(
        cohort, "Asha Okafor", teaches={"TikTok": 3}, learns={"Negotiation": 2}, department="Data"
    )
    junior(cohort, "Bea Chen", teaches={"Figma": 2})
    senior(
        cohort,
        "Robert Lindqvist",
        teaches={"Negotiation": 2},
        learns={"TikTok": 3, "Figma": 1},
        department="Marketing",
        capacity=2,
    )
    return compute_run(cohort=cohort)


def test_publishing_creates_the_pairs_and_activates_the_cohort(cast, run, cohort):
    pairs = pair_publish(run=run, by=cast.hr)
    assert len(pairs) == 2
    assert {p.junior.user.full_name for p in pairs} == {"Asha Okafor", "Bea Chen"}
    assert all(p.status == "active" and p.published_at and p.run_id == run.pk for p in pairs)
    asha = next(p for p in pairs if p.junior.user.full_name == "Asha Okafor")
    assert asha.explanation["reverse_flows"][0]["skill"] == "TikTok"
    cohort.refresh_from_db()
    assert cohort.status == "active"
    run.refresh_from_db()
    assert run.published_by == cast.hr


def test_each_person_is_emailed_once_even_with_two_partners(cast, run):
    pair_publish(run=run, by=cast.hr)
    rows = OutboxMessage.objects.filter(kind="pairs_published")
    assert sorted(r.recipient.email for r in rows) == [
        "asha.okafor@example.com",
        "bea.chen@example.com",
        "robert.lindqvist@example.com",
    ]
    outbox.send_due()
    assert len(mail.outbox) == 3
    robert = next(m for m in mail.outbox if m.to == ["robert.lindqvist@example.com"])
    assert "Meet your partners" in robert.subject
    assert "Asha Okafor" in robert.body and "Bea Chen" in robert.body
    assert "They can help you with TikTok" in robert.body
    assert "What to do next" in robert.body
    html = robert.alternatives[0][0]
    assert "/pairing/pair/" in html


def test_a_second_publish_changes_nothing_and_sends_nothing_more(cast, run):
    first = pair_publish(run=run, by=cast.hr)
    outbox.send_due()
    again = pair_publish(run=run, by=cast.hr)
    assert {p.pk for p in again} == {p.pk for p in first}
    assert Pair.objects.filter(run=run).count() == 2
    outbox.send_due()
    assert len(mail.outbox) == 3


def test_another_run_cannot_be_published_over_published_pairs(cast, run, cohort):
    pair_publish(run=run, by=cast.hr)
    other = compute_run(cohort=cohort)
    with pytest.raises(PublishRefused):
        pair_publish(run=other, by=cast.hr)
    assert Pair.objects.filter(cohort=cohort).count() == 2


def test_publishing_with_a_stale_board_version_publishes_nothing(cast, run):
    with pytest.raises(BoardConflict):
        pair_publish(run=run, by=cast.hr, version=run.version + 1)
    assert not Pair.objects.filter(run=run).exists()


def test_hr_publishes_from_the_board_and_lands_on_the_cohorts_pairs(cast, login, run):
    client = login(cast.hr)
    url = reverse("pairing:run_publish", args=["spring", run.pk])
    asked = client.post(url, {"version": run.version}).content.decode()
    # First the confirmation: how many people get an email, by name when they are few.
    assert 'emails <strong id="people-emailed">3 people</strong>' in asked
    assert "Asha Okafor, Bea Chen, Robert Lindqvist" in asked
    assert not Pair.objects.filter(run=run).exists()
    response = client.post(url, {"version": run.version, "confirmed": "yes"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("pairing:cohort", args=["spring"])
    assert "Published 2 pairs" in response.content.decode()
    assert Pair.objects.filter(run=run).count() == 2
    board = client.get(reverse("pairing:board", args=["spring", run.pk])).content.decode()
    assert "Publish 2 pairs" not in board and "Published" in board


def test_nobody_but_hr_can_publish(cast, login, run):
    response = login(cast.senior).post(
        reverse("pairing:run_publish", args=["spring", run.pk]), {"version": run.version}
    )
    assert response.status_code == 403
    assert not Pair.objects.filter(run=run).exists()


def test_a_published_board_refuses_edits(cast, login, run):
    pair_publish(run=run, by=cast.hr)
    run.refresh_from_db()
    response = login(cast.hr).post(
        reverse("pairing:board_edit", args=["spring", run.pk, "lock"]),
        {"proposal": Proposal.objects.filter(run=run).first().pk, "version": run.version},
        HTTP_HX_REQUEST="true",
    )
    assert "This run is published" in response.content.decode()


def test_hr_ends_a_published_pair_with_a_reason(cast, login, run):
    pair = pair_publish(run=run, by=cast.hr)[0]
    client = login(cast.hr)
    url = reverse("pairing:pair_end", args=[pair.pk])
    asked = client.post(url, {"reason": "Left the company"}).content.decode()
    assert "End the pair" in asked and "emails <strong>nobody</strong>" in asked
    pair.refresh_from_db()
    assert pair.status == "active"
    client.post(url, {"reason": "Left the company", "confirmed": "yes"})
    pair.refresh_from_db()
    assert pair.status == "ended" and pair.end_reason == "Left the company"


def test_someone_who_withdrew_after_the_run_is_not_published_or_emailed(cast, run):
    bea = run.proposals.get(junior__user__profile__full_name="Bea Chen").junior
    bea.status = "withdrawn"
    bea.save()
    pairs = pair_publish(run=run, by=cast.hr)
    assert [p.junior.user.full_name for p in pairs] == ["Asha Okafor"]
    assert not OutboxMessage.objects.filter(recipient=bea.user).exists()


def test_an_empty_cohort_gives_an_empty_run_that_cannot_be_published(cast, db):
    empty = pairing_cohort(slug="empty")
    run = compute_run(cohort=empty)
    assert run.status == "done" and run.pairs_count == 0
    with pytest.raises(PublishRefused):
        pair_publish(run=run, by=cast.hr)
