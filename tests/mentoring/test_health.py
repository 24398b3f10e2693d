"""/healthz: database, cache, broker and the last outbox sweep, for compose and monitors."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.utils import timezone

from mentoring import health
from mentoring.celery import app


@pytest.fixture
def swept(db):
    health.record_sweep()


def test_a_healthy_site_answers_200_with_every_check(client, swept):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker", "outbox_sweep"}
    assert all(check["ok"] for check in body["checks"].values())
    assert body["checks"]["outbox_sweep"]["age_seconds"] < 60
    assert "no-cache" in response["Cache-Control"]


def test_no_sweep_for_too_long_makes_it_503(client, db, settings):
    settings.HEALTH_SWEEP_MAX_AGE_SECONDS = 300
    health.record_sweep(timezone.now() - timedelta(minutes=10))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["outbox_sweep"]["ok"] is False
    assert response.json()["checks"]["database"]["ok"] is True


def test_a_site_that_never_swept_is_not_healthy(client, db):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["outbox_sweep"] == {"ok": False}


def test_the_reminder_sweep_task_records_its_time(db, settings):
    from mentoring.outbox.tasks import send_due_messages

    assert health.last_sweep() is None
    send_due_messages.apply()
    assert timezone.now() - health.last_sweep() < timedelta(seconds=30)


def test_an_unreachable_broker_is_503_without_saying_where_it_is(client, swept, monkeypatch):
    from kombu import Connection

    def unreachable(**options):
        return Connection("redis://:s3cret@127.0.0.1:1/0", **options)

    monkeypatch.setattr(app, "connection_for_write", unreachable)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"] == {"ok": False}
    assert b"127.0.0.1" not in response.content and b"s3cret" not in response.content


def test_an_unreachable_redis_cache_is_503(client, swept, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"  # no "sessions" cache here
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"] == {"ok": False}


def test_healthz_needs_no_login_and_serves_only_get_and_head(client, swept):
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405
    assert client.generic("TRACE", "/healthz").status_code == 405


def test_healthz_answers_over_plain_http_while_every_page_redirects_to_https(
    client, swept, settings
):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/accounts/login/").status_code == 301
    assert client.get("/healthz").status_code == 200


def test_the_healthcheck_command_exits_1_naming_what_failed(db):
    from django.core.management import CommandError, call_command

    call_command("healthcheck", "database", stdout=StringIO())
    with pytest.raises(CommandError, match="outbox_sweep"):
        call_command("healthcheck", "outbox_sweep", stdout=StringIO())
    with pytest.raises(CommandError, match="no such check"):
        call_command("healthcheck", "nonsense")
