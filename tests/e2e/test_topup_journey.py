"""A programme that lasts, in a real browser: publish, end a pair, add a late joiner, top up,
publish again; only the new pair's two people are emailed."""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.urls import reverse

from accounts.models import ProfileSkill, User
from pairing.models import Pair, PairingRun
from pairing.services import execute_run
from tests import factories
from tests.e2e.conftest import log_in
from tests.factories import PASSWORD
from tests.pairing.factories import junior, pairing_cohort, senior


def _outbox_rows():
    """The outbox's rows, whichever app holds the outbox model in this tree."""
    for label, name in (("mentoring", "OutboxMessage"), ("sessions_log", "Reminder")):
        try:
            return apps.get_model(label, name).objects
        except LookupError:
            continue
    raise LookupError("no outbox model")


@pytest.fixture
def cohort(transactional_db, settings, monkeypatch):
    from pairing import tasks

    # No worker in the test: the test computes each queued run itself, while the browser polls.
    monkeypatch.setattr(tasks.run_pairing, "delay", lambda pk: None)
    factories.hr_admin(email="hr@example.com", profile__full_name="Harriet HR")
    cohort = pairing_cohort(slug="e2e-topup", name="Spring")
    junior(cohort, "Asha Okafor", teaches={"TikTok": 3}, department="Data")
    junior(cohort, "Bea Chen", teaches={"Figma": 3}, department="Sales")
    senior(cohort, "Robert Lindqvist", learns={"TikTok": 3}, department="Marketing")
    senior(cohort, "Carl Evans", learns={"Figma": 3}, department="Finance")
    return cohort


def _compute_the_queued_run(page) -> PairingRun:
    page.wait_for_url(re.compile(r"/pairing/cohorts/e2e-topup/runs/\d+/$"))
    run = PairingRun.objects.get(pk=int(page.url.rstrip("/").rsplit("/", 1)[1]))
    page.get_by_text(re.compile(r"Queued: waiting for a worker")).wait_for()
    execute_run(run=run)
    page.get_by_role("heading", name=re.compile("Proposed pairs")).wait_for()
    return run


def test_hr_ends_a_pair_adds_a_late_joiner_tops_up_and_only_the_new_pair_is_emailed(
    cohort, checked_page, live_server
):
    page, base = checked_page, live_server.url
    log_in(page, base, "hr@example.com", PASSWORD)

    # Run 1, published after the confirmation names the four people it emails.
    page.goto(f"{base}/pairing/cohorts/e2e-topup/")
    page.get_by_role("button", name="Run pairing").click()
    _compute_the_queued_run(page)
    page.get_by_role("heading", name="Run 1").wait_for()
    page.get_by_role("button", name=re.compile(r"Publish 2 pairs")).click()
    assert page.locator("#people-emailed").inner_text() == "4 people"
    page.checks.check()
    page.get_by_role("button", name="Publish and email 4 people").click()
    page.get_by_text("Published 2 pairs").wait_for()
    assert _outbox_rows().filter(kind="pairs_published").count() == 4

    # End Asha and Robert's pair: a confirmation first, and it emails nobody.
    page.get_by_label("Why Asha Okafor and Robert Lindqvist end").fill("Moved team")
    page.locator("tr", has=page.get_by_text("Asha Okafor → Robert Lindqvist")).get_by_role(
        "button", name="End"
    ).click()
    page.get_by_text("emails nobody").wait_for()
    page.checks.check()
    page.get_by_role("button", name="End the pair").click()
    page.get_by_text(re.compile("Ended the pair")).wait_for()

    # A late joiner, added by hand, is invited and waits for a partner.
    page.goto(f"{base}{_add_url()}")
    page.locator("#id_email").fill("eli.late@example.com")
    page.locator("#id_full_name").fill("Eli Late")
    page.get_by_label(re.compile("Junior")).check()
    page.get_by_role("button", name="Add to the cohort", exact=True).click()
    page.get_by_text("They are invited and wait for a partner").wait_for()
    eli = User.objects.get(email="eli.late@example.com")
    ProfileSkill.objects.create(
        profile=eli.profile,
        skill=factories.SkillFactory(name="TikTok"),
        kind=ProfileSkill.Kind.TEACH,
        level=2,
    )
    page.goto(f"{base}{_cohort_url()}")
    assert page.locator("#waiting-count").inner_text() == "3"  # Asha, Robert and Eli
    page.checks.check()

    # The top-up: Run 2 pairs Eli with Robert (never Asha with Robert again).
    page.get_by_role("button", name="Run a top-up").first.click()
    run = _compute_the_queued_run(page)
    page.get_by_role("heading", name="Run 2 (top-up)").wait_for()
    assert page.get_by_text("Eli Late → Robert Lindqvist").first.is_visible()
    assert page.get_by_text("Asha Okafor → Robert Lindqvist").count() == 0
    page.checks.check()
    page.get_by_role("button", name=re.compile(r"Publish 1 new pair")).click()
    assert page.locator("#people-emailed").inner_text() == "2 people"
    assert page.locator(".emailed-names").inner_text() == "Eli Late, Robert Lindqvist"
    page.get_by_role("button", name="Publish and email 2 people").click()
    page.get_by_text("Published 1 new pair").wait_for()

    emailed = set(
        _outbox_rows()
        .filter(kind="pairs_published", dedupe_key__contains=f":{run.pk}:")
        .values_list("recipient__email", flat=True)
    )
    assert emailed == {"eli.late@example.com", "robert.lindqvist@example.com"}
    assert Pair.objects.filter(cohort=cohort, status="active").count() == 2


def _add_url() -> str:
    return reverse("mentoring:enrolment_add", args=["e2e-topup"])


def _cohort_url() -> str:
    return reverse("mentoring:cohort_detail", args=["e2e-topup"])
