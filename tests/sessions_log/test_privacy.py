"""Private notes are their author's alone and shared summaries the pair's alone: everywhere.

Each person (the partner, HR, a manager, an outsider, an anonymous visitor, a superuser in the
admin) walks every page of the site that takes the ids we know, as a page and as an htmx
fragment, and every email the programme sends is opened; the secrets appear only where allowed.
"""

from __future__ import annotations

import itertools
import logging
import re
from datetime import timedelta

import pytest
from django.contrib import admin
from django.core import mail
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from accounts.models import User
from mentoring import outbox
from sessions_log import reminders, services
from sessions_log.models import FitCheck, Goal, Meeting, SessionLog
from tests import factories
from tests.sessions_log.pair_factories import both_accept

pytestmark = pytest.mark.django_db

SUMMARY = "SHARED-SUMMARY-7f3a9"
JUNIOR_NOTE = "JUNIOR-PRIVATE-91c2e"
SENIOR_NOTE = "SENIOR-PRIVATE-55d0b"
REFLECTION = "JUNIOR-REFLECTION-3e8f1"
SECRETS = (SUMMARY, JUNIOR_NOTE, SENIOR_NOTE, REFLECTION)


@pytest.fixture
def secrets(cast):
    """A pair that has met, logged, noted privately, planned and answered everything."""
    both_accept(cast.pair)
    cast.pair.published_at = timezone.now() - timedelta(days=40)
    cast.pair.save(update_fields=["published_at"])
    past = Meeting.objects.create(
        pair=cast.pair, starts_at=timezone.now() - timedelta(hours=3), proposed_by=cast.junior
    )
    log = services.log_session(
        pair=cast.pair,
        by=cast.junior,
        held_on=timezone.localdate(),
        minutes=60,
        direction="both",
        shared_summary=SUMMARY,
        private_note=JUNIOR_NOTE,
        meeting=past,
    )
    services.save_private_note(log=log, author=cast.senior, body=SENIOR_NOTE)
    services.propose_meeting(
        pair=cast.pair,
        by=cast.senior,
        starts_at=timezone.now() + timedelta(days=3),
        duration_minutes=45,
        location="Room 4",
    )
    services.add_goal(pair=cast.pair, owner=cast.senior, title="Learn TikTok")
    services.answer_fit_check(pair=cast.pair, respondent=cast.junior, answer="yes")
    cast.cohort.ends_on = timezone.localdate() + timedelta(days=7)  # the close has begun
    cast.cohort.save(update_fields=["ends_on"])
    services.save_reflection(
        pair=cast.pair, author=cast.junior, reflection=REFLECTION, thank_you="Thank you!"
    )
    superuser = User.objects.create_superuser("root@example.com", "x")
    return cast, log, superuser


# --- a crawler over every URL pattern ----------------------------------------------------------


def _routes():
    def walk(patterns, prefix=""):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                if not route.startswith("admin"):
                    yield from walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and "^" not in route:
                yield route

    return list(walk(get_resolver().url_patterns))


def _urls(cast, log) -> list[str]:
    pair, meeting = cast.pair, Meeting.objects.filter(pair=cast.pair).first()
    goal = Goal.objects.get(pair=pair)
    ints = sorted(
        {
            pair.pk,
            log.pk,
            meeting.pk,
            goal.pk,
            pair.junior.pk,
            pair.senior.pk,
            FitCheck.objects.get().pk,
        }
    )
    values = {
        "int": [str(i) for i in ints],
        "slug": [cast.cohort.slug, cast.cohort.programme.slug],
        "str": ["baseline", "final", "x"],
        "path": ["x"],
    }
    urls = []
    for route in _routes():
        slots = re.findall(r"<(?:(\w+):)?(\w+)>", route)
        combos = itertools.product(*[values.get(conv or "str", ["x"]) for conv, _ in slots])
        for combo in itertools.islice(combos, 10):
            url = route
            for value in combo:
                url = re.sub(r"<[^>]+>", value, url, count=1)
            urls.append("/" + url)
    return urls


def _fetch_everything(client: Client, urls: list[str]) -> dict[str, str]:
    client.raise_request_exception = False
    pages = {}
    for url in urls:
        # Fragments are the participant pages' business; ask those for their htmx shape too.
        for headers in ({}, {"HTTP_HX_REQUEST": "true"})[
            : 2 if url.startswith("/sessions/") else 1
        ]:
            response = client.get(url, **headers)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            pages[f"{url} {'htmx' if headers else ''}"] = body.decode("utf-8", "replace")
    return pages


def _leaks(pages: dict[str, str], secret: str) -> list[str]:
    return [url for url, body in pages.items() if secret in body]


def _as(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("who", ["hr", "manager", "outsider", "anonymous"])
def test_nobody_outside_the_pair_finds_a_summary_or_a_note_on_any_page(secrets, who):
    cast, log, _ = secrets
    user = None if who == "anonymous" else getattr(cast, who)
    pages = _fetch_everything(_as(user), _urls(cast, log))
    assert len(pages) > 100  # the crawl really walked the site
    for secret in SECRETS:
        assert _leaks(pages, secret) == [], f"{who} can read {secret}"


def test_hrs_view_of_each_partner_is_crawled_and_shows_no_summary_or_note(secrets):
    cast, log, _ = secrets
    overviews = [
        f"/cohorts/{cast.cohort.slug}/people/{enrolment.pk}/overview/"
        for enrolment in (cast.pair.junior, cast.pair.senior)
    ]
    assert set(overviews) <= set(_urls(cast, log))  # the crawl above walks them too
    pages = _fetch_everything(_as(cast.hr), overviews)
    assert all("Sessions logged" in body for body in pages.values())
    for secret in (*SECRETS, "Learn TikTok"):  # nor a goal's text
        assert _leaks(pages, secret) == []


def test_the_partner_reads_the_summary_but_never_the_authors_note(secrets):
    cast, log, _ = secrets
    pages = _fetch_everything(_as(cast.senior), _urls(cast, log))
    assert _leaks(pages, SUMMARY)  # e.g. the pair page
    assert _leaks(pages, SENIOR_NOTE)  # their own note, on the pair page
    assert _leaks(pages, JUNIOR_NOTE) == [] and _leaks(pages, REFLECTION) == []


def test_the_author_reads_their_own_note_but_not_the_partners(secrets):
    cast, log, _ = secrets
    pages = _fetch_everything(_as(cast.junior), _urls(cast, log))
    assert _leaks(pages, JUNIOR_NOTE) and _leaks(pages, SUMMARY) and _leaks(pages, REFLECTION)
    assert _leaks(pages, SENIOR_NOTE) == []


def test_the_django_admin_shows_neither_summaries_nor_notes(secrets):
    cast, log, superuser = secrets
    client = _as(superuser)
    client.raise_request_exception = False
    urls = ["/admin/"]
    for model in admin.site._registry:
        meta = model._meta
        base = f"/admin/{meta.app_label}/{meta.model_name}/"
        urls += [base, f"{base}?q=SHARED"]
        ours = meta.app_label == "sessions_log"
        for pk in model.objects.values_list("pk", flat=True)[: 10 if ours else 1]:
            urls += [f"{base}{pk}/change/"]
            # The delete confirmation lists related rows (a log's notes, a pair's logs).
            urls += [f"{base}{pk}/delete/"] if meta.model_name in ("sessionlog", "pair") else []
    urls.append("/admin/sessions_log/privatenote/")
    pages = {url: client.get(url).content.decode() for url in urls}
    assert any(f"/admin/sessions_log/sessionlog/{log.pk}/change/" in url for url in pages)
    assert pages[f"/admin/sessions_log/sessionlog/{log.pk}/change/"].count("<") > 50
    for secret in SECRETS:
        assert _leaks(pages, secret) == [], secret


def test_no_email_carries_a_summary_or_a_note(secrets):
    cast, log, _ = secrets
    meeting = Meeting.objects.filter(
        pair=cast.pair, status="scheduled", starts_at__gt=timezone.now()
    ).get()
    services.reschedule_meeting(
        meeting=meeting,
        by=cast.junior,
        starts_at=meeting.starts_at + timedelta(hours=2),
        duration_minutes=30,
        location="Room 5",
    )
    extra = services.propose_meeting(
        pair=cast.pair,
        by=cast.junior,
        starts_at=timezone.now() + timedelta(days=9),
        duration_minutes=30,
        location="",
    )
    services.cancel_meeting(meeting=extra, by=cast.senior)
    services.schedule_surveys_due()
    reminders.scan_quiet_pairs(now=timezone.now() + timedelta(days=90))
    outbox.send_due(now=timezone.now() + timedelta(days=400))
    kinds = {m.extra_headers.get("X-Twoway-Reminder") for m in mail.outbox}
    assert len(mail.outbox) >= 8 and len(kinds) == len(mail.outbox)
    for message in mail.outbox:
        parts = [message.subject, message.body]
        parts += [content for content, _ in message.alternatives]
        parts += [c.decode() if isinstance(c, bytes) else str(c) for _, c, _ in message.attachments]
        for secret in SECRETS:
            assert not any(secret in part for part in parts), (message.subject, secret)


def test_no_log_line_carries_a_summary_or_a_note(cast, caplog):
    caplog.set_level(logging.DEBUG)
    both_accept(cast.pair)
    log = services.log_session(
        pair=cast.pair,
        by=cast.junior,
        held_on=timezone.localdate(),
        minutes=60,
        direction="reverse",
        shared_summary=SUMMARY,
        private_note=JUNIOR_NOTE,
    )
    client = _as(cast.senior)
    client.post(f"/sessions/logs/{log.pk}/note/", {"body": SENIOR_NOTE})
    client.get(f"/sessions/pair/{cast.pair.pk}/")
    outbox.send_due(now=timezone.now() + timedelta(days=400))
    assert SessionLog.objects.count() == 1
    for secret in SECRETS:
        assert not any(secret in record.getMessage() for record in caplog.records)
        assert not any(secret in str(record.args) for record in caplog.records)


def test_a_private_note_is_not_in_the_strings_the_admin_and_logs_use(secrets):
    _, log, _ = secrets
    for note in log.private_notes.all():
        assert note.body not in str(note) and note.body not in repr(note)
    assert SUMMARY not in str(log)


def test_an_ended_pair_still_keeps_notes_private_from_a_new_partner(secrets):
    cast, log, _ = secrets
    cast.pair.end("re-matched")
    newcomer = factories.UserFactory()
    new_pair = factories.PairFactory(
        cohort=cast.cohort,
        junior=cast.pair.junior,
        senior=factories.EnrolmentFactory(cohort=cast.cohort, user=newcomer, side="senior"),
    )
    urls = [url for url in _urls(cast, log) if url.startswith("/sessions/")]
    pages = _fetch_everything(_as(newcomer), urls + [f"/sessions/pair/{new_pair.pk}/"])
    for secret in SECRETS:
        assert _leaks(pages, secret) == []
