"""The cache server goes away mid-run: a real Redis of the test's own is stopped, and every page
that used it still answers, rate limits still hold (from the database), and writes are whole."""

from __future__ import annotations

import shutil
import socket
import subprocess
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.contrib.sessions.backends import cached_db
from django.test import Client
from django.utils import timezone

from accounts.models import Profile
from mentoring.lib import cache as failsafe
from mentoring.lib import sessions
from sessions_log.models import PrivateNote, Pulse, SessionLog
from tests import factories

pytestmark = pytest.mark.django_db
REDIS_SERVER = shutil.which("redis-server")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def own_redis() -> Iterator[subprocess.Popen]:
    if REDIS_SERVER is None:
        pytest.skip("redis-server is not installed")
    port = _free_port()
    server = subprocess.Popen(
        [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly"]
        + ["no", "--loglevel", "notice"],
        stdout=subprocess.PIPE,
        text=True,
    )
    # Wait for the condition itself: the server says it is ready (or dies, ending its output).
    for line in server.stdout:
        if "Ready to accept connections" in line:
            break
    else:
        pytest.fail("redis-server did not start")
    server.port = port
    yield server
    if server.poll() is None:
        server.kill()
    server.wait(timeout=10)
    server.stdout.close()


@pytest.fixture
def cache_on_own_redis(settings, own_redis):
    settings.CACHES = {
        "default": {
            "BACKEND": "mentoring.lib.cache.FailSafeRedisCache",
            "LOCATION": f"redis://127.0.0.1:{own_redis.port}/0",
            "KEY_PREFIX": "twoway",
            "FALLBACK": "database",
        },
        "database": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "twoway_cache",
        },
        "sessions": {  # as settings.py has it with REDIS_URL: sessions read from Redis
            "BACKEND": "mentoring.lib.cache.FailSafeRedisCache",
            "LOCATION": f"redis://127.0.0.1:{own_redis.port}/0",
            "KEY_PREFIX": "twoway",
        },
    }
    settings.SESSION_ENGINE = "mentoring.lib.sessions"
    settings.SESSION_CACHE_ALIAS = "sessions"
    failsafe._state.update(down_until=0.0, logged_at=0.0)
    yield own_redis
    failsafe._state.update(down_until=0.0, logged_at=0.0)


def _sign_in(user, password: str = factories.PASSWORD) -> Client:
    client = Client(raise_request_exception=False)
    response = client.post("/accounts/login/", {"login": user.email, "password": password})
    assert response.status_code == 302, response.status_code
    return client


def _log_session(client: Client, pair, summary: str):
    return client.post(
        f"/sessions/pair/{pair.pk}/logs/",
        {
            "held_on": timezone.localdate().isoformat(),
            "minutes": 40,
            "direction": "both",
            "shared_summary": summary,
            "private_note": f"note for {summary}",
        },
    )


def _redis_keys(port: int) -> list[bytes]:
    import redis

    return redis.Redis(port=port).keys("twoway:*")


def test_every_page_still_answers_and_writes_are_whole_after_redis_stops(
    cast, cache_on_own_redis, caplog
):
    cast.pair.published_at = timezone.now() - timedelta(days=31)  # the first pulse is open
    cast.pair.save(update_fields=["published_at"])

    # While Redis runs, the site really uses it.
    hr = _sign_in(cast.hr)
    assert hr.get("/dashboard/").status_code == 200
    assert _redis_keys(cache_on_own_redis.port)

    hr_session = f"twoway:1:{cached_db.KEY_PREFIX}{hr.session.session_key}".encode()
    assert hr_session in _redis_keys(cache_on_own_redis.port)

    cache_on_own_redis.kill()
    cache_on_own_redis.wait(timeout=10)

    junior = _sign_in(cast.junior)  # login's rate limit reads and writes the cache
    assert hr.get("/dashboard/").status_code == 200
    export = hr.get("/dashboard/export.csv")
    assert export.status_code == 200 and export["Content-Type"].startswith("text/csv")

    response = _log_session(junior, cast.pair, "Reels explained")
    assert response.status_code == 302
    log = SessionLog.objects.get(pair=cast.pair)
    assert log.shared_summary == "Reels explained"
    assert PrivateNote.objects.get(session_log=log).body == "note for Reels explained"

    response = junior.post(f"/sessions/pair/{cast.pair.pk}/pulse/", {"score": 4})
    assert response.status_code == 302
    assert Pulse.objects.get(pair=cast.pair, respondent=cast.junior).score == 4

    response = junior.post(
        "/accounts/profile/",
        {
            "full_name": "Asha Renamed",
            "job_title": "Analyst",
            "department": "Data",
            "location": "Leeds",
            "timezone": "Europe/London",
            "hopes": "Learn how strategy is made",
        },
    )
    assert response.status_code == 302
    assert Profile.objects.get(user=cast.junior).full_name == "Asha Renamed"

    # The new session shows on the dashboard: the figures were not served stale.
    page = " ".join(hr.get("/dashboard/").content.decode().split()).replace("</span>", "")
    assert "1 sessions logged" in page
    assert "cache server unreachable (ConnectionError" in caplog.text
    assert "junior@example.com" not in caplog.text


def test_failed_logins_are_still_limited_while_redis_is_down(cast, cache_on_own_redis):
    cache_on_own_redis.kill()
    cache_on_own_redis.wait(timeout=10)
    client = Client()
    for _ in range(5):
        client.post("/accounts/login/", {"login": cast.senior.email, "password": "wrong"})
    response = client.post(
        "/accounts/login/", {"login": cast.senior.email, "password": factories.PASSWORD}
    )
    assert "_auth_user_id" not in client.session
    assert "Too many failed login attempts" in response.content.decode()


def test_a_session_is_cached_for_minutes_not_for_the_cookies_two_weeks(cast, cache_on_own_redis):
    """A session ended while Redis was away (its delete could not reach Redis) comes back from
    Redis, once it answers again, for no longer than its cached copy lives."""
    import redis

    client = _sign_in(cast.junior)
    key = f"twoway:1:{cached_db.KEY_PREFIX}{client.session.session_key}"
    assert client.session.get_expiry_age() > 24 * 3600
    assert 0 < redis.Redis(port=cache_on_own_redis.port).ttl(key) <= sessions.CACHED_FOR_SECONDS
