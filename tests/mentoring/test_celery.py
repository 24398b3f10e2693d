"""A Celery round trip through the real broker (Redis when REDIS_URL is set)."""

import os

import pytest
from celery.contrib.testing import tasks as _testing_tasks  # noqa: F401 - registers celery.ping
from celery.contrib.testing.worker import start_worker

from mentoring.celery import app


@pytest.mark.redis
@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (a real Redis)")
def test_a_task_travels_through_redis_to_a_worker_and_back(monkeypatch):
    # Our tasks keep no results (the database is the record); this one must, to come back.
    monkeypatch.setattr(app.tasks["celery.ping"], "ignore_result", False)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        result = app.send_task("celery.ping")
        assert result.get(timeout=20) == "pong"
