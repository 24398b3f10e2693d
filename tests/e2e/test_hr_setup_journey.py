"""HR sets a cohort up and a participant answers the invitation, in a real browser."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import NoReverseMatch, reverse

from accounts.models import ProfileSkill, User
from mentoring import outbox
from mentoring.models import Cohort, Enrolment
from tests import factories
from tests.e2e.conftest import log_in

NEW_PASSWORD = "a-long-Passphrase-1"
HEADER = (
    "email,full_name,side,job_title,department,location,manager_email,teaches,"
    "wants_to_learn,capacity,timezone"
)


@pytest.fixture
def hr(transactional_db, settings, live_server):
    settings.SITE_URL = live_server.url  # the emailed link points at the test server
    factories.SkillFactory(name="TikTok")
    factories.SkillFactory(name="Generative AI tools")
    factories.SkillFactory(name="Stakeholder management")
    return factories.hr_admin(email="hr@example.com", profile__full_name="Harriet HR")


@pytest.fixture(autouse=True)
def _eager_worker():
    """No Celery worker runs here: the import jobs a page queues run as its request commits."""
    from mentoring.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def log_out(page) -> None:
    page.get_by_role("button", name="Log out").click()
    # Wait for the landing page, or the next goto races the logout's redirect.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Log in").wait_for()


def create_programme_and_cohort(page, base: str) -> None:
    page.get_by_role("button", name="New programme").click()
    page.checks.check()
    page.get_by_label("Name").fill("Leaders Learn")
    page.get_by_label("Mentoring agreement").fill("What is said here stays here.")
    page.get_by_role("button", name="Create programme").click()
    page.get_by_role("heading", name="New cohort in Leaders Learn").wait_for()
    # A cohort that ends before it starts is refused with a clear message.
    page.get_by_label("Name").fill("Spring 2027")
    page.get_by_label("Starts on").fill("2027-03-01")
    page.get_by_label("Ends on").fill("2027-01-01")
    page.get_by_role("button", name="Create cohort").click()
    page.get_by_text("The cohort must end on or after the day it starts.").wait_for()
    page.checks.check()
    page.get_by_label("Ends on").fill("2027-09-01")
    page.get_by_role("button", name="Create cohort").click()
    page.get_by_role("heading", name="Spring 2027", level=1).wait_for()
    page.checks.check()


def invite_everyone(page, count: int) -> None:
    page.get_by_role("button", name=f"Invite all not yet invited ({count})").click()
    page.get_by_text(f"{count} invitations on the way.").wait_for()
    page.checks.check()
    # A second click sends nothing more.
    assert page.get_by_role("button", name=re.compile("Invite all not yet invited")).count() == 0


def accept_and_fill_in_skills(
    page, base: str, email: str, *, search: str, skill: str, already: dict | None = None
) -> None:
    outbox.send_due()
    message = next(m for m in mail.outbox if m.to == [email])
    link = re.search(r"http\S+/accounts/invite/\S+/", message.body).group(0)
    log_out(page)
    page.goto(link)
    page.get_by_role("heading", name=re.compile("Welcome")).wait_for()
    page.checks.check()
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set password and continue").click()
    page.get_by_role("heading", name="Your profile").wait_for()
    page.checks.check()
    # Search as you type (htmx), pick a match, change its level, add a brand-new skill.
    page.get_by_label("Find a skill to teach").fill(search)
    page.get_by_role("button", name=f"Add {skill}").click()
    teach = page.locator("#skills-teach")
    teach.get_by_text(skill).wait_for()
    # htmx binds the swapped-in form when the swap settles; a change before that is missed.
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
    )
    page.wait_for_timeout(100)
    with page.expect_response(lambda r: r.request.method == "POST"):  # htmx saves the level
        teach.get_by_label(f"Level for {skill}").select_option("3")
    page.get_by_label("Find a skill to learn").fill("Budget forecasting")
    page.get_by_role("button", name="Add new skill “Budget forecasting”").click()
    page.locator("#skills-learn").get_by_text("Budget forecasting").wait_for()
    page.get_by_label("What I hope to get out of this").fill("See how decisions get made.")
    page.get_by_role("button", name="Save profile").click()
    page.get_by_text("Your profile is saved.").wait_for()
    page.checks.check()
    user = User.objects.get(email=email)
    skills = {
        (ps.kind, ps.skill.name): ps.level
        for ps in ProfileSkill.objects.filter(profile__user=user).select_related("skill")
    }
    assert skills == {("teach", skill): 3, ("learn", "Budget forecasting"): 2, **(already or {})}
    page.goto(base + "/")
    assert page.get_by_text("What happens next").is_visible()
    page.checks.check()


def add_one_person_by_hand(page) -> None:
    page.get_by_role("button", name="Add a person").click()
    page.checks.check()
    page.get_by_label("Email:", exact=True).fill("nia.reid@example.com")
    page.get_by_label("Full name").fill("Nia Reid")
    page.get_by_label("Junior (reverse mentor)").check()
    page.get_by_label("Time zone").fill("Europe/Berlin")
    page.get_by_role("button", name="Add and add another").click()
    page.get_by_text("Nia Reid is enrolled as a junior (new to Twoway).").wait_for()
    page.get_by_label("Email:", exact=True).fill("ASHA@example.com")  # imported already
    page.get_by_label("Full name").fill("Asha Okafor")
    page.get_by_label("Senior (reverse mentee)").check()
    page.get_by_role("button", name="Add to the cohort").click()
    page.get_by_text("is already enrolled in Spring 2027").wait_for()
    page.checks.check()
    page.get_by_role("link", name="Cancel").click()
    page.get_by_role("heading", name="Spring 2027", level=1).wait_for()


def _import_url(slug: str) -> str | None:
    try:
        return reverse("mentoring:imports:upload", args=[slug])
    except NoReverseMatch:
        return None


def test_hr_imports_staff_fixes_a_bad_row_invites_and_a_participant_accepts(
    hr, checked_page, live_server
):
    if _import_url("x") is None:
        pytest.fail("the staff import pages are not mounted at /cohorts/<slug>/import/")
    page, base = checked_page, live_server.url
    log_in(page, base, hr.email, factories.PASSWORD)
    create_programme_and_cohort(page, base)
    page.get_by_role("link", name="Import staff").first.click()
    page.checks.check()
    rows = [
        "asha@example.com,Asha Okafor,junior,Data Analyst,Data,Manchester,,TikTok:3,"
        "Stakeholder management,1,Europe/London",
        "robert@example.com,Robert Lindqvist,middle,Director,Marketing,London,,"
        "Negotiation,TikTok:2,1,Europe/London",
    ]
    bad = "\n".join([HEADER, *rows]) + "\n"
    page.locator("input[type=file]").set_input_files(
        files=[{"name": "staff.csv", "mimeType": "text/csv", "buffer": bad.encode()}]
    )
    page.get_by_role("button", name="Check the file").click()
    problems = page.locator(".import-problems-table")
    problems.wait_for()
    assert "3" in problems.inner_text() and "robert@example.com" in problems.inner_text()
    page.checks.check()
    assert not Enrolment.objects.filter(cohort__slug="spring-2027").exists()
    good = bad.replace(",middle,", ",senior,")
    page.locator("input[type=file]").set_input_files(
        files=[{"name": "staff.csv", "mimeType": "text/csv", "buffer": good.encode()}]
    )
    page.get_by_role("button", name="Check the file").click()
    page.get_by_role("heading", name=re.compile("Preview")).wait_for()
    page.checks.check()
    page.get_by_role("button", name=re.compile("Import 2 people")).click()
    page.get_by_role("heading", name="Spring 2027", level=1).wait_for()
    page.checks.check()
    assert page.get_by_role("link", name="Robert Lindqvist", exact=True).is_visible()
    add_one_person_by_hand(page)
    invite_everyone(page, 3)
    accept_and_fill_in_skills(
        page,
        base,
        "asha@example.com",
        search="gen",
        skill="Generative AI tools",
        already={("teach", "TikTok"): 3, ("learn", "Stakeholder management"): 2},
    )
    log_out(page)
    log_in(page, base, hr.email, factories.PASSWORD)
    page.goto(base + "/cohorts/spring-2027/?state=accepted")
    assert page.get_by_role("link", name="Asha Okafor", exact=True).is_visible()
    assert page.get_by_role("link", name="Robert Lindqvist", exact=True).count() == 0
    page.checks.check()
    assert Cohort.objects.get(slug="spring-2027").status == "enrolling"  # inviting opened it
