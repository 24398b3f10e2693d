from __future__ import annotations

from django.db import models
from django.utils import timezone


class Pair(models.Model):
    """A published junior–senior partnership."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        ENDED = "ended", "Ended"

    cohort = models.ForeignKey("mentoring.Cohort", on_delete=models.CASCADE, related_name="pairs")
    junior = models.ForeignKey("mentoring.Enrolment", on_delete=models.CASCADE,
                               related_name="pairs_as_junior")
    senior = models.ForeignKey("mentoring.Enrolment", on_delete=models.CASCADE,
                               related_name="pairs_as_senior")
    status = models.CharField(max_length=6, choices=Status.choices, default=Status.ACTIVE)
    score = models.IntegerField(default=0)
    reverse = models.IntegerField(default=0)
    forward = models.IntegerField(default=0)
    explanation = models.JSONField(default=dict, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-score", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["junior", "senior"],
                                    condition=models.Q(status="active"),
                                    name="pair_unique_active"),
        ]

    def __str__(self) -> str:
        return f"{self.junior.user} ↔ {self.senior.user}"

    def involves(self, user) -> bool:
        return user.pk in (self.junior.user_id, self.senior.user_id)

    def partner_of(self, user):
        return self.senior.user if self.junior.user_id == user.pk else self.junior.user

    def end(self, reason: str) -> None:
        self.status = self.Status.ENDED
        self.ended_at = timezone.now()
        self.end_reason = reason[:200]
        self.save(update_fields=["status", "ended_at", "end_reason"])
