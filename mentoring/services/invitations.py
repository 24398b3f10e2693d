"""Invitation emails: one per person through the outbox, resends rate-limited."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from mentoring import outbox
from mentoring.models import Cohort, Enrolment
from mentoring.outbox.models import OutboxMessage
from mentoring.selectors import cohort_overview
from mentoring.services.programmes import cohort_move

INVITATION = "invitation"
RESEND_INTERVAL = timedelta(minutes=5)


class InvitationRefused(Exception):
    """The invitation cannot go now; the message says why."""


@dataclass(frozen=True)
class InvitationOutcome:
    scheduled: int
    already_invited: int
    opened_enrolment: bool = False


def invitation_key(enrolment_pk: int, resend: int = 0) -> str:
    return f"invitation:{enrolment_pk}" + (f":resend:{resend}" if resend else "")


def has_accepted(user) -> bool:
    """The person has signed in at least once, or has set a password."""
    return user.last_login is not None or user.has_usable_password()


def _check_cohort(cohort: Cohort) -> None:
    if cohort.archived_at or cohort.status == Cohort.Status.CLOSED:
        raise InvitationRefused(f"{cohort.name} is closed; nobody can be invited to it.")


@transaction.atomic
def invitations_send(
    *, cohort: Cohort, enrolment_ids: Iterable[int] | None = None, now: datetime | None = None
) -> InvitationOutcome:
    """Schedule one invitation email for each active enrolment not yet invited (all of the
    cohort's, or only those picked). A second click finds them invited and sends nothing; the
    dedupe key stops a race between two clicks too."""
    _check_cohort(cohort)
    if INVITATION not in outbox.kinds():
        raise RuntimeError("The invitation email kind is not registered (mentoring/emails.py).")
    now = now or timezone.now()
    candidates = Enrolment.objects.filter(cohort=cohort, status=Enrolment.Status.ACTIVE)
    if enrolment_ids is not None:
        candidates = candidates.filter(pk__in=list(enrolment_ids))
    picked = list(candidates.select_for_update().values_list("pk", "user_id", "invited_at"))
    fresh = [(pk, user_id) for pk, user_id, invited_at in picked if invited_at is None]
    updated = Enrolment.objects.filter(
        pk__in=[pk for pk, _ in fresh], invited_at__isnull=True
    ).update(invited_at=now, invitations_sent=F("invitations_sent") + 1)
    OutboxMessage.objects.bulk_create(
        [
            OutboxMessage(
                recipient_id=user_id,
                kind=INVITATION,
                due_at=now,
                dedupe_key=invitation_key(pk),
                payload={"enrolment": pk},
            )
            for pk, user_id in fresh
        ],
        ignore_conflicts=True,
    )
    opened = False
    if fresh and cohort.status == Cohort.Status.DRAFT:
        cohort.status = cohort_move(cohort=cohort, status=Cohort.Status.ENROLLING).status
        opened = True
    return InvitationOutcome(
        scheduled=updated, already_invited=len(picked) - len(fresh), opened_enrolment=opened
    )


@transaction.atomic
def invitation_resend(*, enrolment: Enrolment, now: datetime | None = None) -> OutboxMessage:
    """Send the invitation again to one person, at most once every five minutes."""
    now = now or timezone.now()
    _check_cohort(enrolment.cohort)
    if enrolment.status != Enrolment.Status.ACTIVE:
        raise InvitationRefused(
            f"{enrolment.user.full_name} has withdrawn; bring them back before inviting them."
        )
    if has_accepted(enrolment.user):
        raise InvitationRefused(
            f"{enrolment.user.full_name} has already accepted. If they forgot their password "
            "they can reset it from the log-in page."
        )
    won = (
        Enrolment.objects.filter(pk=enrolment.pk)
        .filter(Q(invited_at__isnull=True) | Q(invited_at__lte=now - RESEND_INTERVAL))
        .update(invited_at=now, invitations_sent=F("invitations_sent") + 1)
    )
    if not won:
        enrolment.refresh_from_db(fields=["invited_at"])
        # Losing the race means another request has just stamped invited_at.
        assert enrolment.invited_at is not None
        wait = int((enrolment.invited_at + RESEND_INTERVAL - now).total_seconds() // 60) + 1
        raise InvitationRefused(
            f"An invitation went to {enrolment.user.full_name} less than five minutes ago; "
            f"you can send another in {wait} minute{'s' if wait != 1 else ''}."
        )
    enrolment.refresh_from_db(fields=["invited_at", "invitations_sent"])
    if enrolment.cohort.status == Cohort.Status.DRAFT:
        moved = cohort_move(cohort=enrolment.cohort, status=Cohort.Status.ENROLLING)
        enrolment.cohort.status = moved.status
    # The first email keeps the plain key so "invite all" never repeats it later.
    resend = enrolment.invitations_sent - 1
    return outbox.schedule(
        recipient=enrolment.user,
        kind=INVITATION,
        due_at=now,
        dedupe_key=invitation_key(enrolment.pk, resend),
        payload={"enrolment": enrolment.pk},
    )


def invitations_cancel(*, enrolment: Enrolment) -> int:
    """Drop invitation emails not yet sent (a withdrawn person gets none)."""
    key = invitation_key(enrolment.pk)
    # Not outbox.cancel(prefix): "invitation:12" is a prefix of "invitation:123" too.
    deleted, _ = OutboxMessage.objects.filter(
        Q(dedupe_key=key) | Q(dedupe_key__startswith=f"{key}:"),
        sent_at__isnull=True,
    ).delete()
    return deleted


PROFILE_REMINDER = "invitation_reminder"


def profile_reminder_key(enrolment_pk: int, day) -> str:
    return f"{PROFILE_REMINDER}:{enrolment_pk}:{day:%Y-%m-%d}"


@transaction.atomic
def profile_reminders_send(*, cohort: Cohort, now: datetime | None = None) -> int:
    """Remind everyone who has accepted but not finished their profile, at most once a day
    each (a second click the same day sends nothing). People who have not accepted yet get
    the invitation again instead (invitation_resend)."""
    _check_cohort(cohort)
    now = now or timezone.now()
    due = [row for row in cohort_overview(cohort).rows if row.accepted and not row.complete]
    day = timezone.localdate(now)
    rows = [
        OutboxMessage(
            recipient_id=row.user_id,
            kind=PROFILE_REMINDER,
            due_at=now,
            dedupe_key=profile_reminder_key(row.pk, day),
            payload={"enrolment": row.pk},
        )
        for row in due
    ]
    before = OutboxMessage.objects.filter(
        kind=PROFILE_REMINDER, dedupe_key__in=[r.dedupe_key for r in rows]
    ).count()
    OutboxMessage.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows) - before
