"""A worker for the import pages' tests: the tasks a request queues run in-process when its
transaction commits (Celery eager), unless held to look at a job before a worker takes it."""

from __future__ import annotations

import pytest
from django.test import Client


class Worker:
    """Runs the tasks a request queued when its transaction commits, in-process; `held`
    keeps them until `run()`, to look at a job before its worker takes it."""

    def __init__(self) -> None:
        self.held = False
        self.queued: list = []

    def run(self) -> None:
        queued, self.queued = self.queued, []
        for callback in queued:
            callback()


@pytest.fixture(autouse=True)  # in the modules that import it
def worker(django_capture_on_commit_callbacks, monkeypatch):
    from mentoring.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    worker = Worker()
    original = Client.request

    def request(self, **kwargs):
        with django_capture_on_commit_callbacks() as callbacks:
            response = original(self, **kwargs)
        worker.queued += callbacks
        if not worker.held:
            worker.run()
        return response

    monkeypatch.setattr(Client, "request", request)
    yield worker
    app.conf.task_always_eager = False
    app.conf.task_eager_propagates = False
