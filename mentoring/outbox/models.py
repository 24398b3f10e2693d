"""The outbox's rows: every outgoing email is one of these first (DESIGN.md "Reminders")."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class OutboxMessage(models.Model):
    """One message the programme owes somebody (an invitation, a published pair, a meeting
    reminder, a nudge): the outbox row is the source of truth.

    Beat sweeps due rows every minute; a row is claimed with select_for_update(skip_locked),
    sent, and marked sent before the claim commits (see mentoring/outbox/sweep.py)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="outbox_messages"
    )
    kind = models.CharField(max_length=40)
    due_at = models.DateTimeField()
    dedupe_key = models.CharField(max_length=200, unique=True)
    payload = models.JSONField(default=dict, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    skipped_reason = models.CharField(max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_at", "pk"]
        indexes = [
            models.Index(
                fields=["due_at"],
                condition=models.Q(sent_at__isnull=True),
                name="outbox_pending_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id} at {self.due_at:%Y-%m-%d %H:%M}"
