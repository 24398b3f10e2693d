"""What outlives the retention purge: a keyed hash per past pair, and a note per purged cohort."""

from __future__ import annotations

from django.db import models


class PastPairHash(models.Model):
    """A past pair as keyed hashes (TWOWAY_PAIR_HASH_KEY), kept after the two people's personal
    data is purged or erased so the pairing engine never pairs them again.

    ``person_a`` and ``person_b`` are the HMACs of the two email addresses (sorted), so a run
    checks its people in one HMAC each rather than one per junior x senior; ``digest`` keys the
    pair itself (unique: a pair is kept once)."""

    digest = models.CharField(max_length=64, unique=True)
    person_a = models.CharField(max_length=64, default="", db_index=True)
    person_b = models.CharField(max_length=64, default="")
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
