"""Markup never comes from data: hostile text in every free-text field a person or a file can
set is shown as text on every page and htmx fragment, to every role, and in every email's HTML.

The payload carries what an attacker would try: plain tags, an attribute break-out into an htmx
element that fires on load (the CSP stops scripts, not htmx), a script, a template brace and a
``javascript:`` link. Text downloads (CSV, .txt, .ics) are not HTML and are not checked here.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from html import unescape
from html.parser import HTMLParser

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from accounts.models import ProfileSkill, Skill, User
from mentoring import outbox
from mentoring.models import Enrolment
from mentoring.services.invitations import invitations_send
from pairing.models import RematchRequest
from pairing.services import compute_run
from sessions_log import reminders, services
from sessions_log.models import FitCheck, Goal, Meeting, Pulse, Reflection
from tests import factories
from tests.pairing.factories import junior, pairing_cohort, senior
from tests.sessions_log.pair_factories import both_accept
from tests.sessions_log.test_privacy import _routes

pytestmark = pytest.mark.django_db


def hostile(label: str) -> str:
    """At most 100 characters for the capped fields (names, places: PostgreSQL enforces the cap,
    SQLite does not); the label keeps values unique."""
    return (
        'javascript:x//<b>x</b>"><div hx-post=/h hx-trigger=load></div>'
        f"<script>1</script>{{{{x}}}}{label}"
    )


# What must never reach a browser as markup (the escaped forms are harmless text).
LIVE = (
    re.compile(r"<b>x</b>"),
    re.compile(r"<div hx-post=/h"),
    re.compile(r"<script>1</script>"),
    re.compile(r"""(?:href|src|action|hx-\w+)\s*=\s*["']?\s*javascript:""", re.I),
)


def _live_markup(body: str) -> list[str]:
    return [pattern.pattern for pattern in LIVE if pattern.search(body)]


def _profile(user: User, label: str) -> None:
    profile = user.profile
    profile.full_name = hostile(f"name {label}")
    profile.job_title = hostile(f"title {label}")
    profile.department = hostile(f"dept {label}")
    profile.location = hostile(f"place {label}")
    profile.hopes = hostile(f"hopes {label}")
    profile.save()


@pytest.fixture
def hostile_site(cast):
    """The cast's whole world written by an attacker: programme, cohort, people, skills, the
    pair's logs, notes, goals, answers, reflections, a re-match, a pairing run on a board."""
    programme = cast.cohort.programme
    programme.name = hostile("programme")
    programme.description = hostile("programme description")
    programme.agreement = hostile("agreement")
    programme.save()
    cast.cohort.name = hostile("cohort")
    cast.cohort.description = hostile("cohort description")
    cast.cohort.ends_on = timezone.localdate() + timedelta(days=7)  # the close has begun
    cast.cohort.save()
    for label, user in (
        ("hr", cast.hr),
        ("manager", cast.manager),
        ("junior", cast.junior),
        ("senior", cast.senior),
        ("outsider", cast.outsider),
    ):
        _profile(user, label)
    for index, user in enumerate((cast.junior, cast.senior)):
        for kind in (ProfileSkill.Kind.TEACH, ProfileSkill.Kind.LEARN):
            skill = Skill.objects.create(
                name=hostile(f"{kind}{index}"), category=hostile(f"cat{kind}{index}")
            )
            ProfileSkill.objects.create(profile=user.profile, skill=skill, kind=kind, level=2)

    pair = cast.pair
    both_accept(pair)
    pair.published_at = timezone.now() - timedelta(days=40)
    pair.save(update_fields=["published_at"])
    past = Meeting.objects.create(
        pair=pair,
        starts_at=timezone.now() - timedelta(hours=3),
        proposed_by=cast.junior,
        location=hostile("past meeting"),
    )
    log = services.log_session(
        pair=pair,
        by=cast.junior,
        held_on=timezone.localdate(),
        minutes=60,
        direction="both",
        shared_summary=hostile("summary"),
        private_note=hostile("junior note"),
        meeting=past,
    )
    services.save_private_note(log=log, author=cast.senior, body=hostile("senior note"))
    services.propose_meeting(
        pair=pair,
        by=cast.senior,
        starts_at=timezone.now() + timedelta(days=3),
        duration_minutes=45,
        location=hostile("meeting"),
    )
    Goal.objects.create(
        pair=pair,
        owner=cast.senior,
        direction="reverse",
        title=hostile("goal"),
        progress_note=hostile("goal progress"),
    )
    FitCheck.objects.create(
        pair=pair, respondent=cast.junior, answer="no", comment=hostile("fit comment")
    )
    Pulse.objects.create(
        pair=pair, respondent=cast.senior, period=0, score=2, comment=hostile("pulse comment")
    )
    Reflection.objects.create(
        pair=pair,
        author=cast.junior,
        reflection=hostile("reflection"),
        thank_you=hostile("thanks junior"),
    )
    Reflection.objects.create(
        pair=pair,
        author=cast.senior,
        reflection=hostile("reflection senior"),
        thank_you=hostile("thanks senior"),
    )
    RematchRequest.objects.create(
        pair=pair, requested_by=cast.junior, reason=hostile("rematch"), note=hostile("hr note")
    )
    # An ended pair of the junior's, with HR's reason for ending it.
    other = factories.UserFactory(profile__full_name=hostile("ex partner"))
    factories.PairFactory(
        cohort=cast.cohort,
        junior=Enrolment.objects.get(cohort=cast.cohort, user=cast.junior),
        senior=factories.EnrolmentFactory(cohort=cast.cohort, user=other, side="senior"),
        status="ended",
        end_reason=hostile("end reason"),
    )

    # A cohort being paired, with a run on the board, in the same programme.
    board_cohort = pairing_cohort(
        programme=programme, name=hostile("board cohort"), slug="board-cohort"
    )
    junior(
        board_cohort,
        hostile("board junior"),
        teaches={hostile("board skill"): 3},
        department=hostile("board dept j"),
        location=hostile("board place j"),
        email="bj@example.com",
    )
    senior(
        board_cohort,
        hostile("board senior"),
        learns={hostile("board skill"): 3},
        department=hostile("board dept s"),
        location=hostile("board place s"),
        email="bs@example.com",
    )
    run = compute_run(cohort=board_cohort)
    superuser = User.objects.create_superuser("root@example.com", "x")
    return cast, log, run, board_cohort, superuser


def _urls(cast, log, run, board_cohort) -> list[str]:
    pair = cast.pair
    ids = {
        pair.pk,
        log.pk,
        run.pk,
        pair.junior.pk,
        pair.senior.pk,
        *Meeting.objects.values_list("pk", flat=True),
        *Goal.objects.values_list("pk", flat=True),
        *FitCheck.objects.values_list("pk", flat=True),
        *RematchRequest.objects.values_list("pk", flat=True),
        *run.proposals.values_list("pk", flat=True),
    }
    values = {
        "int": [str(i) for i in sorted(ids)],
        "slug": [cast.cohort.slug, cast.cohort.programme.slug, board_cohort.slug],
        "str": ["baseline", "final", "x"],
        "path": ["x"],
    }
    urls = []
    for route in _routes():
        slots = re.findall(r"<(?:(\w+):)?(\w+)>", route)
        combos: list[list[str]] = [[]]
        for conv, _ in slots:
            combos = [c + [v] for c in combos for v in values.get(conv or "str", ["x"])]
        for combo in combos[:40]:
            url = route
            for value in combo:
                url = re.sub(r"<[^>]+>", value, url, count=1)
            urls.append("/" + url)
    return urls


def _html_pages(client: Client, urls: list[str]) -> dict[str, str]:
    client.raise_request_exception = False
    pages = {}
    for url in urls:
        for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
            response = client.get(url, **headers)
            if "html" not in response.get("Content-Type", ""):
                continue
            body = b"".join(response.streaming_content) if response.streaming else response.content
            pages[f"{url}{' (htmx)' if headers else ''}"] = body.decode("utf-8", "replace")
    return pages


@pytest.mark.parametrize(
    "who", ["hr", "manager", "junior", "senior", "outsider", "anonymous", "superuser"]
)
def test_hostile_text_is_never_live_markup_on_any_page_for_anyone(hostile_site, who):
    cast, log, run, board_cohort, superuser = hostile_site
    user = {"anonymous": None, "superuser": superuser}.get(who, getattr(cast, who, None))
    client = Client()
    if user is not None:
        client.force_login(user)
    pages = _html_pages(client, _urls(cast, log, run, board_cohort))
    assert len(pages) > 100  # the crawl really walked the site
    # The hostile text is really shown somewhere (as text), so the check has teeth.
    if who in ("hr", "junior", "senior"):
        assert any("&lt;b&gt;x&lt;/b&gt;" in body for body in pages.values())
    found = {url: hits for url, body in pages.items() if (hits := _live_markup(body))}
    assert found == {}


def test_the_board_and_cohort_pages_show_hostile_names_as_text(hostile_site):
    cast, log, run, board_cohort, _ = hostile_site
    client = Client()
    client.force_login(cast.hr)
    for url in (
        f"/cohorts/{cast.cohort.slug}/",
        f"/pairing/cohorts/{board_cohort.slug}/runs/{run.pk}/",
    ):
        response = client.get(url)
        body = response.content.decode()
        assert response.status_code == 200
        assert "&lt;div hx-post=/h hx-trigger=load&gt;" in body
        assert _live_markup(body) == []


def test_no_email_html_part_carries_hostile_markup(hostile_site):
    cast, *_ = hostile_site
    invitations_send(cohort=cast.cohort)
    services.schedule_surveys_due()
    reminders.scan_quiet_pairs(now=timezone.now() + timedelta(days=90))
    outbox.send_due(now=timezone.now() + timedelta(days=400))
    assert len(mail.outbox) >= 3
    for message in mail.outbox:
        html = [content for content, mimetype in message.alternatives if mimetype == "text/html"]
        assert html, message.subject
        for part in html:
            assert _live_markup(part) == [], message.subject


class _TextOutsideHxDisable(HTMLParser):
    """Collects text nodes carrying ``marker`` that no ``hx-disable`` ancestor covers."""

    VOID = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}

    def __init__(self, marker: str) -> None:
        super().__init__()
        self.marker = marker
        self.stack: list[tuple[str, bool]] = []
        self.exposed: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append((tag, any(name == "hx-disable" for name, _ in attrs)))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        inside = [tag for tag, _ in self.stack]
        if self.marker in data and not {"title", "option", "textarea"} & set(inside):
            if not any(disabled for _, disabled in self.stack):
                self.exposed.append(f"{' > '.join(inside[-3:])}: {data.strip()[:60]}")


@pytest.mark.parametrize(
    "who, url",
    [
        ("junior", "/sessions/pair/{pair}/"),
        ("senior", "/sessions/pair/{pair}/"),
        ("hr", "/cohorts/{cohort}/"),
        ("hr", "/pairing/cohorts/{cohort}/"),
        ("hr", "/pairing/cohorts/board-cohort/runs/{run}/"),
        ("junior", "/accounts/profile/"),
        ("hr", "/dashboard/"),
    ],
)
def test_htmx_is_switched_off_around_every_piece_of_user_text(hostile_site, who, url):
    cast, log, run, board_cohort, _ = hostile_site
    client = Client()
    client.force_login(getattr(cast, who))
    response = client.get(url.format(pair=cast.pair.pk, cohort=cast.cohort.slug, run=run.pk))
    assert response.status_code == 200
    parser = _TextOutsideHxDisable("hx-trigger=load")
    parser.feed(response.content.decode())
    assert parser.exposed == []


def test_htmx_is_configured_so_injected_content_cannot_drive_it(client):
    html = client.get("/accounts/login/").content.decode()
    config = json.loads(unescape(re.search(r'name="htmx-config" content=\'([^\']+)\'', html)[1]))
    assert config["selfRequestsOnly"] is True
    assert config["allowEval"] is False and config["allowScriptTags"] is False
    # Snapshots of pages (private notes included) are not kept in the browser's storage.
    assert config["historyCacheSize"] == 0
