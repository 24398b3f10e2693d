"""What outlives the retention purge: a keyed hash per past pair, and a note per purged cohort."""

from __future__ import annotations

from django.db import models


class PastPairHash(models.Model):
    """HMAC of a past pair's two email addresses (TWOWAY_PAIR_HASH_KEY), kept after their
    personal data is purged or erased so the pairing engine never pairs them again."""

    digest = models.CharField(max_length=64, unique=True)
    cohort_closed_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "mentoring"
        ordering = ["pk"]
        verbose_name = "past pair hash"

    def __str__(self) -> str:
        return f"Past pair {self.digest[:12]}…"


class RetentionPurge(models.Model):
    """One closed cohort whose personal data the retention purge removed: never purged twice."""

    cohort = models.OneToOneField(
        "mentoring.Cohort", on_delete=models.CASCADE, related_name="retention_purge"
    )
    purged_at = models.DateTimeField(auto_now_add=True)
    counts = models.JSONField(default=dict, blank=True)

    class Meta:
        app_label = "mentoring"
        ordering = ["-purged_at"]

    def __str__(self) -> str:
        return f"Retention purge of cohort {self.cohort_id}"
