from datetime import timedelta

from django.template import Context, Template
from django.utils import timezone


def _render(moment) -> str:
    return Template("{% load when %}asked {{ moment|ago }}").render(Context({"moment": moment}))


def test_a_request_made_seconds_ago_reads_just_now():
    assert _render(timezone.now() - timedelta(seconds=5)) == "asked just now"


def test_older_requests_read_as_minutes_or_days_ago_never_zero_minutes():
    assert _render(timezone.now() - timedelta(minutes=3)) == "asked 3\xa0minutes ago"
    assert "day" in _render(timezone.now() - timedelta(days=2))
    assert "0 minutes" not in _render(timezone.now())
