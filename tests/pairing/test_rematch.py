"""No-fault re-match: members ask (HR hears in the daily digest), HR approves (both wait for
the next top-up, never with each other) or declines with a note the requester reads."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from mentoring import outbox
from mentoring.models import OutboxMessage
from pairing.models import Pair, RematchRequest
from pairing.services import (
    RematchRefused,
    compute_run,
    decline_rematch,
    pair_publish,
    request_rematch,
    resolve_rematch,
)
from tests.pairing.factories import junior, pairing_cohort, senior


@pytest.fixture
def published(db, cast):
    cohort = pairing_cohort(slug="spring")
    people = {
        "asha": junior(cohort, "Asha", teaches={"TikTok": 3}),
        "bea": junior(cohort, "Bea", teaches={"Figma": 3}),
        "robert": senior(cohort, "Robert", learns={"TikTok": 3}),
        "carl": senior(cohort, "Carl", learns={"Figma": 3}),
    }
    pair_publish(run=compute_run(cohort=cohort), by=cast.hr)
    outbox.send_due()  # the "meet your partner" emails are old news in these tests
    mail.outbox.clear()
    # Two people join late and are still free.
    people["dan"] = junior(cohort, "Dan", teaches={"TikTok": 1})
    people["eve"] = senior(cohort, "Eve", learns={"TikTok": 1})
    return cohort, people


def _pair(people, junior_name, senior_name) -> Pair:
    return Pair.objects.get(junior=people[junior_name], senior=people[senior_name])


def test_only_members_of_an_active_pair_can_ask(cast, published):
    cohort, people = published
    pair = _pair(people, "asha", "robert")
    with pytest.raises(RematchRefused):
        request_rematch(pair=pair, by=cast.outsider, reason="")
    request = request_rematch(pair=pair, by=people["asha"].user, reason="We never meet")
    assert request.status == "open"
    assert request_rematch(pair=pair, by=people["robert"].user, reason="") == request


def test_approving_ends_the_pair_and_the_next_top_up_pairs_both_with_free_people(cast, published):
    cohort, people = published
    pair = _pair(people, "asha", "robert")
    untouched = _pair(people, "bea", "carl")
    request = request_rematch(pair=pair, by=people["asha"].user, reason="")
    resolve_rematch(request=request, by=cast.hr)
    pair.refresh_from_db()
    assert pair.status == "ended"
    request.refresh_from_db()
    assert request.status == "resolved" and request.resolved_by == cast.hr
    # Both former partners hear it ended, no fault; nobody has a new partner yet.
    told = {
        r.recipient.full_name: r.kind for r in OutboxMessage.objects.filter(kind="rematch_decided")
    }
    assert told == {"Asha": "rematch_decided", "Robert": "rematch_decided"}
    outbox.send_due()
    asha = next(m for m in mail.outbox if m.to == [people["asha"].user.email])
    assert "Your pairing with Robert in" in asha.body and "no-fault" in asha.body
    assert "HR will pair you as soon as someone is" in asha.body
    # The top-up pairs the four free people, never Asha with Robert, and keeps Bea and Carl.
    top_up = compute_run(cohort=cohort)
    assert top_up.top_up
    new_pairs = pair_publish(run=top_up, by=cast.hr)
    assert {(p.junior_id, p.senior_id) for p in new_pairs} == {
        (people["asha"].pk, people["eve"].pk),
        (people["dan"].pk, people["robert"].pk),
    }
    untouched.refresh_from_db()
    assert untouched.status == "active"


def test_former_partners_are_not_paired_with_each_other_again(cast, published):
    cohort, people = published
    pair = _pair(people, "asha", "robert")
    people["dan"].delete()
    people["eve"].delete()
    resolve_rematch(
        request=request_rematch(pair=pair, by=people["robert"].user, reason=""), by=cast.hr
    )
    run = compute_run(cohort=cohort)
    assert run.pairs_count == 0
    assert not Pair.objects.filter(status="active", junior=people["asha"]).exists()


def test_a_request_schedules_one_digest_a_day_for_each_hr_admin(cast, published):
    cohort, people = published
    request_rematch(pair=_pair(people, "asha", "robert"), by=people["asha"].user, reason="")
    request_rematch(pair=_pair(people, "bea", "carl"), by=people["carl"].user, reason="")
    digests = OutboxMessage.objects.filter(kind="hr_digest")
    assert [r.recipient for r in digests] == [cast.hr]
    outbox.send_due()
    [email] = [m for m in mail.outbox if m.to == [cast.hr.email]]
    assert "2 re-match requests" in email.subject
    assert "people waiting for a partner" in email.subject
    # Dan and Eve joined late: the cohort's line names them.
    assert "2 people wait for a partner (Dan, Eve)" in email.body


def test_a_declined_requester_reads_hrs_note_on_their_pair_page_and_the_partner_does_not(
    cast, login, published
):
    cohort, people = published
    pair = _pair(people, "asha", "robert")
    decline_rematch(
        request=request_rematch(pair=pair, by=people["asha"].user, reason=""),
        by=cast.hr,
        note="Give it two more sessions",
    )
    url = reverse("pairing:my_pair", args=[pair.pk])
    asha = login(people["asha"].user)
    assert "Give it two more sessions" in asha.get(url).content.decode()
    asha.logout()
    assert "Give it two more sessions" not in login(people["robert"].user).get(url).content.decode()


def test_hr_declines_with_a_note_and_the_pair_stays(cast, published):
    cohort, people = published
    pair = _pair(people, "asha", "robert")
    request = decline_rematch(
        request=request_rematch(pair=pair, by=people["asha"].user, reason=""),
        by=cast.hr,
        note="Talked it through; they will try again",
    )
    assert request.status == "declined" and request.note.startswith("Talked")
    pair.refresh_from_db()
    assert pair.status == "active"
    outbox.send_due()
    told = [m for m in mail.outbox if m.to != [cast.hr.email]]  # HR gets the daily digest
    assert [m.to for m in told] == [[people["asha"].user.email]]
    assert "HR's note: Talked it through" in told[0].body
    with pytest.raises(RematchRefused):
        resolve_rematch(request=request, by=cast.hr)


def test_a_member_asks_through_the_page_and_hr_sees_it(cast, login, client, published):
    cohort, people = published
    pair = _pair(people, "asha", "robert")
    asha = login(people["asha"].user)
    url = reverse("pairing:rematch_request", args=[pair.pk])
    assert "no-fault" in asha.get(url).content.decode()
    asha.post(url, {"reason": "Our diaries never line up"})
    assert RematchRequest.objects.get(pair=pair).reason == "Our diaries never line up"
    asha.logout()
    page = login(cast.hr).get(reverse("pairing:cohort", args=["spring"])).content.decode()
    assert "Open re-match requests (1)" in page and "Our diaries never line up" in page


def test_people_outside_the_pair_get_404_on_the_request_page(cast, login, published):
    cohort, people = published
    pair = _pair(people, "asha", "robert")
    client = login(people["bea"].user)
    assert client.get(reverse("pairing:rematch_request", args=[pair.pk])).status_code == 404
    assert (
        client.post(reverse("pairing:rematch_request", args=[pair.pk]), {"reason": "x"}).status_code
        == 404
    )
    assert not RematchRequest.objects.exists()


def test_hr_resolves_from_the_cohort_page_and_is_offered_a_top_up(cast, login, published):
    cohort, people = published
    pair = _pair(people, "asha", "robert")
    request = request_rematch(pair=pair, by=people["asha"].user, reason="")
    response = login(cast.hr).post(
        reverse("pairing:rematch_decide", args=[request.pk, "resolve"]), follow=True
    )
    page = response.content.decode()
    assert "both people are told and now wait for a partner" in page
    request.refresh_from_db()
    assert request.status == "resolved"
    assert Pair.objects.filter(cohort=cohort, status="active").count() == 1
    # Asha, Robert, Dan and Eve wait; the pairing page offers a top-up run.
    assert "Run a top-up" in page and "4</strong> people wait for a partner" in page
