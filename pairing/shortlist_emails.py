"""Email kinds of the shortlist, registered with the outbox (imported by the app's ready())."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from mentoring import outbox
from mentoring.models import Enrolment
from pairing.models import Shortlist, ShortlistLook
from pairing.services.shortlist import OPENED, REMINDER


def _context(row) -> dict | None:
    """Built at send time: nothing goes for a closed shortlist, a withdrawn person, or (for
    the reminder) someone who has looked in the meantime."""
    enrolment = (
        Enrolment.objects.select_related("cohort__programme")
        .filter(pk=row.payload.get("enrolment"), user=row.recipient, status="active")
        .first()
    )
    if enrolment is None:
        return None
    shortlist = Shortlist.objects.filter(cohort=enrolment.cohort).first()
    if shortlist is None or not shortlist.is_open(outbox.now()):
        return None
    if (
        row.kind == REMINDER
        and ShortlistLook.objects.filter(shortlist=shortlist, enrolment=enrolment).exists()
    ):
        return None
    return {
        "person": row.recipient,
        "cohort": enrolment.cohort,
        "shortlist": shortlist,
        "link": f"{settings.SITE_URL}{reverse('pairing:shortlist', args=[enrolment.cohort.slug])}",
    }


@outbox.register(OPENED)
def shortlist_opened(row) -> outbox.Email | None:
    context = _context(row)
    return outbox.render_email("shortlist_opened", context) if context else None


@outbox.register(REMINDER, nudge=True)
def shortlist_reminder(row) -> outbox.Email | None:
    context = _context(row)
    return (
        outbox.render_email("shortlist_opened", {**context, "reminder": True}) if context else None
    )
