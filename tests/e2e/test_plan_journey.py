"""A structured programme in a real browser: HR starts a programme from a shipped template and
reorders its plan with htmx; a pair sees the next step's agenda on their page and ticks it
when they log a session."""

from __future__ import annotations

import re
from datetime import timedelta

from django.utils import timezone

from mentoring.models import Programme
from sessions_log.models import AgreementAcceptance
from sessions_log.plan_models import PairStepProgress
from tests import factories
from tests.e2e.conftest import log_in


def test_hr_starts_from_a_template_and_a_pair_follows_it(
    transactional_db, checked_page, live_server
):
    page, base = checked_page, live_server.url
    hr = factories.hr_admin(email="hr@example.com", profile__full_name="Harriet HR")
    log_in(page, base, hr.email, factories.PASSWORD)

    # HR: new programme → start from a template.
    page.get_by_role("button", name="New programme").click()
    page.get_by_role("link", name="start from a template").click()
    page.wait_for_url(f"{base}/programmes/from-template/")
    page.checks.check()
    page.get_by_label(re.compile(r"Digital reverse mentoring")).check()
    page.get_by_label("Name of the new programme").fill("Digital 2026")
    page.get_by_role("button", name="Create the programme").click()
    page.get_by_text("created from the template").wait_for()
    programme = Programme.objects.get(name="Digital 2026")
    assert page.url == f"{base}/programmes/{programme.slug}/plan/"
    steps = page.locator("#plan-steps ol.plan-steps > li")
    assert steps.count() == 9
    page.checks.check()

    # Move "Data" above "Social media" without a full reload.
    page.evaluate("window.__same_page = true")
    page.get_by_role("button", name="Move up “Data: from spreadsheet to decision”").click()
    steps.nth(1).filter(has_text="Data: from spreadsheet to decision").wait_for()
    assert page.evaluate("window.__same_page") is True
    assert "Social media in practice" in steps.nth(2).inner_text()
    page.checks.check()

    # A pair in a cohort of the new programme.
    junior = factories.UserFactory(email="junior@example.com", profile__full_name="Asha Junior")
    senior = factories.UserFactory(email="senior@example.com", profile__full_name="Robert Senior")
    cohort = factories.CohortFactory(
        programme=programme, starts_on=timezone.localdate() - timedelta(days=3)
    )
    pair = factories.PairFactory(
        cohort=cohort,
        junior=factories.EnrolmentFactory(cohort=cohort, user=junior, side="junior"),
        senior=factories.EnrolmentFactory(cohort=cohort, user=senior, side="senior"),
    )
    for person in (junior, senior):
        AgreementAcceptance.objects.create(pair=pair, user=person)

    page.context.clear_cookies()
    log_in(page, base, junior.email, factories.PASSWORD)
    page.goto(f"{base}/sessions/pair/{pair.pk}/")
    plan = page.locator("#plan")
    assert "Step 1 of 9" in plan.inner_text()
    assert "On track" in plan.inner_text()
    assert "Next: Kick-off: meet, agree, choose goals" in plan.inner_text()
    assert "Tell your partner about your work" in plan.inner_text()  # the junior's prompt
    assert "Tell your mentor about your role" in plan.inner_text()  # the senior's
    assert "Mentoring someone senior" in plan.inner_text()  # the guide, before any session
    page.checks.check()

    # Log the session: the box to tick the next step is ticked already.
    page.locator("#sessions summary").click()
    tick = page.get_by_label("This session covered a step of our plan: tick it")
    assert tick.is_checked()
    page.get_by_label("Minutes").fill("45")
    page.get_by_label("Both ways").check()
    page.get_by_role("button", name="Log the session").click()
    page.locator("#sessions", has_text="Session logged.").wait_for()
    page.locator("#plan", has_text="Step 2 of 9").wait_for()
    assert "Next: Data: from spreadsheet to decision" in plan.inner_text()
    page.checks.check()

    done = PairStepProgress.objects.get(pair=pair)
    assert (done.state, done.by, done.step.title) == (
        "done",
        junior,
        "Kick-off: meet, agree, choose goals",
    )
