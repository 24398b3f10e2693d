"""The audit log: one row per HR action, never changed, never deleted through the ORM.

The only rewrite is erasure's: :meth:`AuditQuerySet.pseudonymise` replaces a person's display
snapshot by a pseudonym (DESIGN.md: "erasure replaces the person in it by a pseudonym")."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class AppendOnly(Exception):
    """An audit entry cannot be changed or deleted."""


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnly("Audit entries are append-only.")

    def delete(self):
        raise AppendOnly("Audit entries are append-only.")

    def pseudonymise(self, **kwargs) -> int:
        """Erasure's rewrite of display text; nothing else may change."""
        allowed = {"actor_display", "target"}
        if not kwargs or set(kwargs) - allowed:
            raise AppendOnly(f"Only {sorted(allowed)} can be pseudonymised.")
        return super().update(**kwargs)


class AuditEntry(models.Model):
    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who did it (empty for the system).",
    )
    # A snapshot, so the log still reads right after the account changes; erasure
    # pseudonymises it.
    actor_display = models.CharField(max_length=300)
    action = models.CharField(max_length=60, db_index=True)
    target = models.CharField(max_length=300, blank=True)
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The person the action was about, if one.",
    )
    details = models.JSONField(default=dict, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        app_label = "mentoring"
        ordering = ["-at", "-pk"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise AppendOnly("Audit entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("Audit entries are append-only.")
