"""A person applies, HR approves, the person marks their shortlist, HR pairs and publishes, and
the person sees the partner they asked for, all in a real browser."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from mentoring.applications import services as applications
from mentoring.applications.models import Question
from mentoring.models import Cohort
from pairing.models import PairingRun
from pairing.services import execute_run
from tests import factories
from tests.e2e.conftest import log_in
from tests.factories import PASSWORD
from tests.pairing.factories import junior, pairing_cohort, senior


@pytest.fixture
def cohort(transactional_db, settings, monkeypatch):
    from pairing import tasks

    monkeypatch.setattr(tasks.run_pairing, "delay", lambda pk: None)
    # As if the pairing worker prepared the suggestions the moment HR opened the shortlist.
    monkeypatch.setattr(tasks.shortlist_prepare, "delay", lambda pk: tasks.shortlist_prepare(pk))
    factories.hr_admin(email="hr@example.com", profile__full_name="Harriet HR")
    factories.UserFactory(email="jo.park@example.com", profile__full_name="Jo Park")
    cohort = pairing_cohort(slug="e2e-apply", name="Spring", status=Cohort.Status.ENROLLING)
    junior(cohort, "Kit Lee", teaches={"Excel": 3})
    senior(cohort, "Sam Ortiz", learns={"Python": 3, "Excel": 1})
    senior(cohort, "Ray Moss", learns={"Excel": 3, "Python": 1})
    call = applications.call_save(
        cohort=cohort,
        is_open=True,
        closes_at=timezone.now() + timedelta(days=7),
        junior_places=5,
        senior_places=5,
    )
    applications.question_add(call=call, kind=Question.Kind.TEACH, label="What can you teach?")
    return cohort


def test_a_person_applies_is_approved_marks_their_shortlist_and_meets_who_they_asked_for(
    cohort, checked_page, live_server
):
    page, base = checked_page, live_server.url
    log_in(page, base, "jo.park@example.com", PASSWORD)
    page.goto(f"{base}/applications/apply/e2e-apply/")
    page.checks.check()
    page.get_by_label("Junior (reverse mentor)").check()
    page.get_by_label("What can you teach?").fill("Python:3")
    page.get_by_role("button", name="Send my application").click()
    page.get_by_role("heading", name="Thank you").wait_for()
    page.checks.check()
    page.get_by_role("button", name="Log out").click()

    log_in(page, base, "hr@example.com", PASSWORD)
    page.goto(f"{base}/applications/cohorts/e2e-apply/")
    page.checks.check()
    page.get_by_role("link", name="Jo Park").click()
    assert page.get_by_text("Python (3)").is_visible()
    page.checks.check()
    page.get_by_role("button", name="Approve").click()
    page.get_by_text("Approved: the person is enrolled and invited.").wait_for()

    page.goto(f"{base}/pairing/cohorts/e2e-apply/shortlist/")
    page.get_by_role("button", name="Open the shortlist").click()
    page.get_by_text("The shortlist is open").wait_for()
    page.checks.check()
    page.get_by_role("button", name="Log out").click()

    log_in(page, base, "jo.park@example.com", PASSWORD)
    page.goto(f"{base}/pairing/shortlist/e2e-apply/")
    sam = page.locator("article", has=page.get_by_role("heading", name="Sam Ortiz"))
    assert sam.get_by_text("you teach it at level 3 of 3").is_visible()
    page.checks.check()
    page.evaluate("window.__sameDocument = true")
    sam.get_by_role("button", name="I'd like").click()
    sam.get_by_text("Your mark: I'd like").wait_for()
    assert page.evaluate("window.__sameDocument") is True  # htmx swapped the card in place
    page.checks.check()
    page.get_by_role("button", name="Log out").click()

    log_in(page, base, "hr@example.com", PASSWORD)
    page.goto(f"{base}/pairing/cohorts/e2e-apply/")
    page.get_by_role("button", name="Run pairing").click()
    page.wait_for_url(re.compile(r"/pairing/cohorts/e2e-apply/runs/\d+/$"))
    run = PairingRun.objects.get(pk=int(page.url.rstrip("/").rsplit("/", 1)[1]))
    execute_run(run=run)
    page.get_by_role("heading", name=re.compile("Proposed pairs")).wait_for()
    assert page.get_by_text("Jo Park asked for this pair.").is_visible()
    page.checks.check()
    page.get_by_role("button", name=re.compile(r"Publish \d+ pairs")).click()
    page.get_by_role("button", name="Publish and email").click()
    page.get_by_text(re.compile("Published")).first.wait_for()
    page.get_by_role("button", name="Log out").click()

    log_in(page, base, "jo.park@example.com", PASSWORD)
    page.get_by_role("link", name="Why we matched you with Sam Ortiz").click()
    page.get_by_role("heading", name="You and Sam Ortiz").wait_for()
    assert page.get_by_text("You asked for this pair on the shortlist.").is_visible()
    page.checks.check()
