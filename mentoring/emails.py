"""Email kinds of the programme domain, registered with the outbox (found at start-up)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from accounts.completion import participant_profile_missing
from accounts.services import invitation_url
from mentoring import outbox
from mentoring.models import Cohort, Enrolment, OutboxMessage
from mentoring.services.invitations import INVITATION, PROFILE_REMINDER, has_accepted


@outbox.register(INVITATION)
def invitation(reminder: OutboxMessage) -> outbox.Email | None:
    """The sign-in link is made now, at send time, so it is fresh and matches the person's
    current password state; a withdrawn person or a closed cohort gets nothing."""
    enrolment = (
        Enrolment.objects.select_related("cohort__programme", "user__profile")
        .filter(
            pk=reminder.payload.get("enrolment"),
            user=reminder.recipient,
            status=Enrolment.Status.ACTIVE,
        )
        .first()
    )
    if enrolment is None:
        return None
    cohort = enrolment.cohort
    if cohort.archived_at or cohort.status == Cohort.Status.CLOSED:
        return None
    user = enrolment.user
    accepted = has_accepted(user)
    return outbox.render_email(
        "invitation",
        {
            "person": user,
            "enrolment": enrolment,
            "cohort": cohort,
            "programme": cohort.programme,
            "link": (
                f"{settings.SITE_URL}{reverse('account_login')}"
                if accepted
                else invitation_url(user)
            ),
            "accepted": accepted,
            "link_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
            "privacy_url": f"{settings.SITE_URL}{reverse('privacy:programme', args=[cohort.programme.slug])}",
        },
    )


@outbox.register(PROFILE_REMINDER, nudge=True)
def profile_reminder(reminder: OutboxMessage) -> outbox.Email | None:
    """Sent only if the profile is still unfinished when the email goes."""
    enrolment = (
        Enrolment.objects.select_related("cohort__programme", "user__profile")
        .filter(
            pk=reminder.payload.get("enrolment"),
            user=reminder.recipient,
            status=Enrolment.Status.ACTIVE,
        )
        .first()
    )
    if (
        enrolment is None
        or enrolment.cohort.archived_at
        or enrolment.cohort.status == Cohort.Status.CLOSED
    ):
        return None
    missing = participant_profile_missing(enrolment.user)
    if not missing:
        return None
    return outbox.render_email(
        "invitation_reminder",
        {
            "person": enrolment.user,
            "cohort": enrolment.cohort,
            "missing": missing,
            "link": f"{settings.SITE_URL}{reverse('accounts:profile')}",
        },
    )
