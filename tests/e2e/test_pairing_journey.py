"""HR pairs a cohort on the board in a real browser; the junior then sees why they were matched."""

from __future__ import annotations

import re

import pytest

from pairing.models import PairingRun
from pairing.services import execute_run, unpair_proposal
from tests import factories
from tests.e2e.conftest import log_in
from tests.factories import PASSWORD
from tests.pairing.factories import junior, pairing_cohort, senior


@pytest.fixture
def cohort(transactional_db, settings, monkeypatch):
    # No worker in the test: the test computes each queued run itself, while the browser polls.
    from pairing import tasks

    monkeypatch.setattr(tasks.run_pairing, "delay", lambda pk: None)
    factories.hr_admin(email="hr@example.com", profile__full_name="Harriet HR")
    cohort = pairing_cohort(slug="e2e-spring", name="Spring")
    junior(
        cohort, "Asha Okafor", teaches={"TikTok": 3}, learns={"Negotiation": 2}, department="Data"
    )
    junior(cohort, "Bea Chen", teaches={"Figma": 3}, department="Sales")
    junior(cohort, "Cleo Diaz", teaches={"SQL basics": 3}, department="Sales")
    senior(
        cohort,
        "Robert Lindqvist",
        teaches={"Negotiation": 2},
        learns={"TikTok": 3},
        department="Marketing",
    )
    senior(cohort, "Carl Evans", learns={"Figma": 3, "SQL basics": 1}, department="Finance")
    senior(cohort, "Dana Wu", learns={"SQL basics": 3, "Figma": 1}, department="Legal")
    return cohort


def _compute_the_queued_run(page) -> PairingRun:
    """Play the worker for the run whose board the browser shows, then let polling notice."""
    page.wait_for_url(re.compile(r"/pairing/cohorts/e2e-spring/runs/\d+/$"))
    run = PairingRun.objects.get(pk=int(page.url.rstrip("/").rsplit("/", 1)[1]))
    page.get_by_text(re.compile(r"Queued: waiting for a worker \(0%\)")).wait_for()
    page.checks.check()
    execute_run(run=run)
    page.get_by_role("heading", name=re.compile("Proposed pairs")).wait_for()
    return run


def _row(page, names: str):
    return page.locator("tr", has=page.get_by_text(names, exact=True))


def test_hr_runs_locks_swaps_reruns_and_publishes_then_the_junior_sees_why(
    cohort, checked_page, live_server
):
    page, base = checked_page, live_server.url
    log_in(page, base, "hr@example.com", PASSWORD)
    page.goto(f"{base}/pairing/cohorts/e2e-spring/")
    page.checks.check()

    page.get_by_role("button", name="Run pairing").click()
    _compute_the_queued_run(page)
    page.checks.check()
    asha_robert = "Asha Okafor → Robert Lindqvist"
    assert _row(page, asha_robert).get_by_text("TikTok (3x3)").count() == 1

    # Another HR admin edits the board meanwhile: this browser's edit changes nothing and says so.
    page.evaluate("window.__sameDocument = true")
    run = PairingRun.objects.get(pk=int(page.url.rstrip("/").rsplit("/", 1)[1]))
    unpair_proposal(
        run=run,
        proposal_id=run.proposals.get(junior__user__email="cleo.diaz@example.com").pk,
        version=run.version,
        by=None,
    )
    page.get_by_role("button", name="Lock Asha Okafor and Robert Lindqvist").click()
    page.get_by_text(re.compile("Someone else changed this board")).wait_for()
    assert not run.proposals.filter(locked=True).exists()
    assert _row(page, "Cleo Diaz → Dana Wu").count() == 0  # the board as it is now
    page.get_by_role("button", name="Pair these two by hand").click()  # Cleo and Dana again
    page.get_by_text(re.compile("Paired by hand: Cleo Diaz and Dana Wu")).wait_for()
    page.checks.check()

    # Lock one pair: the board answers in place, without a reload.
    page.get_by_role("button", name="Lock Asha Okafor and Robert Lindqvist").click()
    page.get_by_text("Locked Asha Okafor and Robert Lindqvist").wait_for()
    assert _row(page, asha_robert).get_by_text("Locked", exact=True).is_visible()
    page.checks.check()

    # Swap the partners of the other two pairs: new scores from the engine.
    page.get_by_label("Tick Bea Chen and Carl Evans to swap").check()
    page.get_by_label("Tick Cleo Diaz and Dana Wu to swap").check()
    page.get_by_role("button", name="Swap partners of the two ticked pairs").click()
    page.get_by_text(re.compile("Swapped partners")).wait_for()
    assert _row(page, "Bea Chen → Dana Wu").is_visible()
    assert _row(page, "Cleo Diaz → Carl Evans").is_visible()
    assert page.evaluate("window.__sameDocument") is True
    page.checks.check()

    # Re-run: the lock holds, the swap (not locked) goes back to the optimum.
    page.get_by_role("button", name="Re-run keeping locks").click()
    _compute_the_queued_run(page)
    assert _row(page, asha_robert).get_by_text("Locked", exact=True).is_visible()
    assert _row(page, "Bea Chen → Carl Evans").is_visible()
    page.checks.check()

    page.get_by_role("button", name="Publish 3 pairs").click()
    page.get_by_role("button", name="Publish and email").click()  # the confirmation step
    page.get_by_text("Published 3 pairs").wait_for()
    page.checks.check()
    page.get_by_role("button", name="Log out").click()

    log_in(page, base, "asha.okafor@example.com", PASSWORD)
    page.get_by_role("link", name="Why we matched you with Robert Lindqvist").click()
    page.get_by_role("heading", name="You and Robert Lindqvist").wait_for()
    assert page.get_by_text("you teach it at level 3 of 3").is_visible()
    assert page.get_by_text("Robert teaches it at level 2 of 3").is_visible()
    assert page.get_by_text("Carl Evans").count() == 0
    page.checks.check()
