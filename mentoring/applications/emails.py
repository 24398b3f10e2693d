"""Email kinds of applications, registered with the outbox (imported by the core's ready())."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from mentoring import outbox
from mentoring.applications.models import Application
from mentoring.applications.services import DECIDED, RECEIVED


def _application(row) -> Application | None:
    return (
        Application.objects.select_related("cohort__programme", "user__profile")
        .filter(pk=row.payload.get("application"), user=row.recipient)
        .first()
    )


@outbox.register(RECEIVED)
def application_received(row) -> outbox.Email | None:
    application = _application(row)
    if application is None:
        return None
    return outbox.render_email(
        "application_received",
        {"person": application.user, "application": application, "cohort": application.cohort},
    )


@outbox.register(DECIDED)
def application_decided(row) -> outbox.Email | None:
    """Declined or wait-listed, built at send time: a decision changed since says nothing."""
    application = _application(row)
    if application is None or application.state != row.payload.get("state"):
        return None
    return outbox.render_email(
        "application_decided",
        {
            "person": application.user,
            "application": application,
            "cohort": application.cohort,
            "declined": application.state == Application.State.DECLINED,
            "link": f"{settings.SITE_URL}{reverse('applications:mine')}",
        },
    )
