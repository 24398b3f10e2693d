"""Beat's schedule (settings) names tasks that exist: a typo there fails silently in production,
where beat sends a task no worker knows and nothing happens."""

from __future__ import annotations

import pytest
from celery import Task
from django.conf import settings
from django.utils.module_loading import import_string


@pytest.mark.parametrize("entry", sorted(settings.CELERY_BEAT_SCHEDULE))
def test_every_beat_entry_names_a_real_task(entry):
    name = settings.CELERY_BEAT_SCHEDULE[entry]["task"]
    task = import_string(name)
    assert isinstance(task, Task) and task.name == name


def test_hr_gets_a_daily_digest_from_beat():
    entry = settings.CELERY_BEAT_SCHEDULE["hr-digest"]
    assert entry["task"] == "pairing.tasks.schedule_hr_digest"
    # Once a day: a crontab firing at one hour and minute.
    assert entry["schedule"].hour == {7} and entry["schedule"].minute == {0}
