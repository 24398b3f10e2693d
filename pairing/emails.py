"""Emails of the pairing app, sent through the outbox (sessions_log/outbox.py)."""

from __future__ import annotations

from django.urls import reverse

from mentoring.models import Cohort
from pairing import selectors
from sessions_log import outbox
from sessions_log.models import Reminder

PUBLISHED_KIND = "pairs_published"


@outbox.register(PUBLISHED_KIND)
def pairs_published(reminder: Reminder) -> outbox.Email | None:
    """"Meet your partner": who, why the programme matched you, and what to do next. Built
    when sent, from the pairs active then; nothing to say if they have all ended."""
    cohort = Cohort.objects.select_related("programme").filter(
        pk=reminder.payload.get("cohort_id")).first()
    if cohort is None:
        return None
    user = reminder.recipient
    pairs = selectors.pairs_of_member_in_cohort(user, cohort.pk)
    if not pairs:
        return None
    matches = []
    for pair in pairs:
        why = selectors.why_matched(pair, user)
        matches.append({"why": why,
                        "url": reverse("pairing:my_pair", args=[pair.pk])})
    return outbox.render_email("pairs_published", {
        "user": user, "cohort": cohort, "matches": matches,
    })
