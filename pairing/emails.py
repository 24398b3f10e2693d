"""Emails of the pairing app, sent through the outbox (mentoring/outbox)."""

from __future__ import annotations

from django.urls import reverse

from accounts.models import HR_ADMIN
from mentoring import outbox
from mentoring.models import Cohort, OutboxMessage
from pairing import selectors
from pairing.attention import digest
from pairing.models import RematchRequest

PUBLISHED_KIND = "pairs_published"
REMATCH_KIND = "rematch_decided"
HR_DIGEST_KIND = "hr_digest"


@outbox.register(PUBLISHED_KIND)
def pairs_published(reminder: OutboxMessage) -> outbox.Email | None:
    """ "Meet your partner": who, why the programme matched you, and what to do next. Built
    when sent, from the pairs active then; nothing to say if they have all ended."""
    cohort = (
        Cohort.objects.select_related("programme")
        .filter(pk=reminder.payload.get("cohort_id"))
        .first()
    )
    if cohort is None:
        return None
    user = reminder.recipient
    pairs = selectors.pairs_of_member_in_cohort(user, cohort.pk)
    if not pairs:
        return None
    matches = []
    for pair in pairs:
        why = selectors.why_matched(pair, user)
        matches.append({"why": why, "url": reverse("pairing:my_pair", args=[pair.pk])})
    return outbox.render_email(
        "pairs_published",
        {
            "user": user,
            "cohort": cohort,
            "matches": matches,
        },
    )


@outbox.register(REMATCH_KIND)
def rematch_decided(reminder: OutboxMessage) -> outbox.Email | None:
    """HR's answer to a re-match request, for the requester (declined) or both former
    partners (resolved, with the new partner if the engine found one)."""
    request = (
        RematchRequest.objects.select_related(
            "pair__cohort__programme", "pair__junior__user__profile", "pair__senior__user__profile"
        )
        .filter(pk=reminder.payload.get("request_id"))
        .first()
    )
    if request is None or request.status == RematchRequest.Status.OPEN:
        return None
    user = reminder.recipient
    old = request.pair
    if not old.involves(user):
        return None
    matches = [
        {
            "why": selectors.why_matched(pair, user),
            "url": reverse("pairing:my_pair", args=[pair.pk]),
        }
        for pair in selectors.pairs_of_member_in_cohort(user, old.cohort_id)
    ]
    return outbox.render_email(
        "rematch_decided",
        {
            "user": user,
            "request": request,
            "cohort": old.cohort,
            "former_partner": old.partner_of(user),
            "asked_by_you": request.requested_by_id == user.pk,
            "matches": matches,
        },
    )


@outbox.register(HR_DIGEST_KIND)
def hr_digest(reminder: OutboxMessage) -> outbox.Email | None:
    """HR's daily list of what waits for them, as it stands when sent; nothing if nothing
    waits or the recipient is no longer an HR admin."""

    user = reminder.recipient
    if not user.is_active or not user.groups.filter(name=HR_ADMIN).exists():
        return None
    cohorts = digest()
    if not cohorts:
        return None
    items = [
        {
            "item": item,
            "url": reverse("mentoring:cohort_detail", args=[item.cohort.slug]),
            "pairing_url": reverse("pairing:cohort", args=[item.cohort.slug]),
            "more_waiting": max(0, item.waiting - len(item.waiting_names)),
        }
        for item in cohorts
    ]
    requests = sum(i.requests for i in cohorts)
    waiting = sum(i.waiting for i in cohorts)
    quiet = sum(i.quiet for i in cohorts)
    parts = [
        f"{requests} re-match request{'s' if requests != 1 else ''}" if requests else "",
        f"{waiting} {'person' if waiting == 1 else 'people'} waiting for a partner"
        if waiting
        else "",
        f"{quiet} quiet pair{'s' if quiet != 1 else ''}" if quiet else "",
    ]
    return outbox.render_email(
        "hr_digest",
        {"recipient": user, "items": items, "summary": ", ".join(p for p in parts if p)},
    )
