"""The reminder outbox: every email the programme sends is a row first.

Apps register a builder per kind in their own ``emails.py`` module (found at start-up):

    @outbox.register("invitation")
    def invitation(reminder: Reminder) -> outbox.Email | None: ...

and schedule rows with :func:`schedule`. :func:`send_due` (run by beat every minute through
``sessions_log.tasks.send_due_reminders``) claims due rows one at a time with
``select_for_update(skip_locked=True)``, sends, and marks each sent inside the claim's
transaction, so a second sweeper never sends the same row and a crash repeats at most the one
message that was on its way.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from sessions_log.models import Reminder

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Email:
    subject: str
    text: str
    html: str
    attachments: tuple[tuple[str, bytes | str, str], ...] = field(default=())


@dataclass(frozen=True)
class Kind:
    name: str
    build: Callable[[Reminder], Email | None]
    nudge: bool


_KINDS: dict[str, Kind] = {}


def register(name: str, *, nudge: bool = False) -> Callable:
    """Register the builder for a kind of email. ``nudge`` kinds respect the recipient's
    "no nudges" preference; meeting invites and reminders are not nudges."""

    def decorator(build: Callable[[Reminder], Email | None]):
        _KINDS[name] = Kind(name=name, build=build, nudge=nudge)
        return build

    return decorator


def kinds() -> dict[str, Kind]:
    return dict(_KINDS)


def render_email(template: str, context: dict, *,
                 attachments: tuple[tuple[str, bytes | str, str], ...] = ()) -> Email:
    """Render ``emails/<template>_subject.txt``, ``.txt`` and ``.html``."""
    context = {"site_url": settings.SITE_URL, **context}
    subject = " ".join(render_to_string(f"emails/{template}_subject.txt", context).split())
    return Email(
        subject=subject,
        text=render_to_string(f"emails/{template}.txt", context),
        html=render_to_string(f"emails/{template}.html", context),
        attachments=attachments,
    )


def schedule(*, recipient, kind: str, due_at: datetime, dedupe_key: str,
             payload: dict | None = None) -> Reminder:
    """Add a row unless one with this dedupe key exists (then that row is returned as is)."""
    if kind not in _KINDS:
        raise ValueError(f"No email builder registered for kind {kind!r}")
    try:
        with transaction.atomic():
            return Reminder.objects.create(
                recipient=recipient, kind=kind, due_at=due_at, dedupe_key=dedupe_key[:200],
                payload=payload or {},
            )
    except IntegrityError:
        return Reminder.objects.get(dedupe_key=dedupe_key[:200])


def cancel(*, dedupe_prefix: str) -> int:
    """Drop pending rows whose key starts with the prefix; sent rows stay as the record."""
    deleted, _ = Reminder.objects.filter(
        dedupe_key__startswith=dedupe_prefix, sent_at__isnull=True
    ).delete()
    return deleted


def _deliver(reminder: Reminder) -> str:
    """Send one row's email. Returns '' when sent, or why it was skipped."""
    spec = _KINDS.get(reminder.kind)
    if spec is None:
        return f"no builder for kind {reminder.kind}"
    recipient = reminder.recipient
    if not recipient.is_active:
        return "recipient inactive"
    if spec.nudge:
        profile = getattr(recipient, "profile", None)
        if profile is not None and not profile.nudges_enabled:
            return "recipient turned nudges off"
    email = spec.build(reminder)
    if email is None:
        return "nothing to send any more"
    message = EmailMultiAlternatives(
        subject=email.subject, body=email.text, to=[recipient.email],
        headers={"X-Twoway-Reminder": str(reminder.pk)},
    )
    message.attach_alternative(email.html, "text/html")
    for filename, content, mimetype in email.attachments:
        message.attach(filename, content, mimetype)
    message.send()
    return ""


def send_due(*, now: datetime | None = None, limit: int = 10_000) -> int:
    """Send every due row, one claimed row per transaction. Returns how many were handled."""
    handled = 0
    while handled < limit:
        moment = now or timezone.now()
        with transaction.atomic():
            reminder = (
                Reminder.objects.select_for_update(skip_locked=True)
                .select_related("recipient__profile")
                .filter(sent_at__isnull=True, due_at__lte=moment)
                .order_by("due_at", "pk")
                .first()
            )
            if reminder is None:
                break
            try:
                reminder.skipped_reason = _deliver(reminder)[:200]
            except Exception as exc:  # a bad address or a mail server hiccup: retry later
                reminder.attempts += 1
                reminder.last_error = f"{type(exc).__name__}: {exc}"[:500]
                reminder.due_at = moment + timedelta(minutes=5 * 2 ** min(reminder.attempts, 6))
                if reminder.attempts >= 8:
                    reminder.sent_at = moment
                    reminder.skipped_reason = "gave up after 8 attempts"
                reminder.save(update_fields=["attempts", "last_error", "due_at", "sent_at",
                                             "skipped_reason"])
                log.warning("reminder %s (%s) failed: %s", reminder.pk, reminder.kind,
                            type(exc).__name__)
                handled += 1
                continue
            reminder.sent_at = timezone.now()
            reminder.save(update_fields=["sent_at", "skipped_reason"])
        handled += 1
    return handled
