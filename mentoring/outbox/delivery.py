"""Building and sending one row's email, in the recipient's time zone and with their nudge
preference and unsubscribe link."""

from __future__ import annotations

from urllib.parse import urlparse

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone
from django.utils.html import escape

from accounts import nudges
from accounts.timezones import timezone_name_of, zone_named
from mentoring.outbox.models import OutboxMessage
from mentoring.outbox.registry import _KINDS


def _message_id(reminder: OutboxMessage) -> str:
    # The same Message-ID on a repeat after a crash lets mail clients drop the copy.
    host = urlparse(settings.SITE_URL).hostname or "twoway.invalid"
    return f"<reminder-{reminder.pk}.{reminder.kind}@{host}>"


def _deliver(reminder: OutboxMessage) -> str:
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
    # Every time an email shows is in the recipient's own zone, whoever wrote the template.
    with timezone.override(zone_named(timezone_name_of(recipient))):
        email = spec.build(reminder)
    if email is None:
        return "nothing to send any more"
    headers = {"X-Twoway-Reminder": str(reminder.pk), "Message-ID": _message_id(reminder)}
    text, html = email.text, email.html
    if spec.nudge:
        text, html, unsubscribe = _with_unsubscribe(recipient, text, html)
        headers.update(unsubscribe)
    headers.update(dict(email.headers))
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=text,
        to=[recipient.email],
        headers=headers,
    )
    message.attach_alternative(html, "text/html")
    for filename, content, mimetype in email.attachments:
        message.attach(filename, content, mimetype)
    message.send()
    return ""


def _with_unsubscribe(recipient, text: str, html: str) -> tuple[str, str, dict[str, str]]:
    """Every nudge carries a working unsubscribe link, whoever wrote its template: add one to
    each part that lacks it, and the one-click List-Unsubscribe headers."""
    url = nudges.unsubscribe_url(recipient)
    if url not in text:
        text = (
            f"{text.rstrip()}\n\n--\nRather not get reminders like this one? "
            f"Turn off nudges (no need to log in): {url}\n"
        )
    if escape(url) not in html and url not in html:
        footer = (
            f'<p style="font-size: 0.85em; color: #555;">Rather not get reminders like '
            f'this one? <a href="{escape(url)}">Turn off nudges</a>.</p>'
        )
        html = (
            html.replace("</body>", footer + "</body>", 1) if "</body>" in html else html + footer
        )
    return text, html, dict(nudges.unsubscribe_headers(recipient))
