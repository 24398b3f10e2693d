"""The shortlist's rows (DESIGN.md "Preferences"): imported into pairing.models.

A person's marks are theirs: only the person sees their own marks; HR sees them only as
counts and, on the board, on the pairs a run proposes; no other participant and no manager
ever sees them."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone


class Shortlist(models.Model):
    """A cohort's shortlist, open for a set number of days before HR pairs the cohort."""

    cohort = models.OneToOneField(
        "mentoring.Cohort", on_delete=models.CASCADE, related_name="shortlist"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    closes_at = models.DateTimeField()
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # When the task last worked out the suggestions of everyone who had not looked yet.
    prepared_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Shortlist of {self.cohort}"

    def is_open(self, now: datetime | None = None) -> bool:
        return (now or timezone.now()) < self.closes_at


class ShortlistLook(models.Model):
    """The person opened their shortlist (their suggestions were fixed then)."""

    shortlist = models.ForeignKey(Shortlist, on_delete=models.CASCADE, related_name="looks")
    enrolment = models.ForeignKey("mentoring.Enrolment", on_delete=models.CASCADE, related_name="+")
    looked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["shortlist", "enrolment"], name="shortlist_look_once")
        ]

    def __str__(self) -> str:
        return f"Look {self.pk}"


class Suggestion(models.Model):
    """One of up to five partners suggested to ``chooser``, and the chooser's mark on them.

    ``reverse_flows`` / ``forward_flows`` are the board's explanation (junior teaches senior,
    and back), in the shape of a Proposal's."""

    class Mark(models.TextChoices):
        NONE = "", "No mark"
        LIKE = "like", "I'd like"
        RATHER_NOT = "rather_not", "Rather not"

    shortlist = models.ForeignKey(Shortlist, on_delete=models.CASCADE, related_name="suggestions")
    chooser = models.ForeignKey("mentoring.Enrolment", on_delete=models.CASCADE, related_name="+")
    candidate = models.ForeignKey("mentoring.Enrolment", on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField(default=1)
    score = models.IntegerField(default=0)
    reverse_flows = models.JSONField(default=list, blank=True)
    forward_flows = models.JSONField(default=list, blank=True)
    mark = models.CharField(max_length=10, choices=Mark.choices, default="", blank=True)
    marked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["rank", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["shortlist", "chooser", "candidate"], name="suggestion_once"
            ),
            models.CheckConstraint(
                condition=models.Q(mark__in=["", "like", "rather_not"]), name="suggestion_mark"
            ),
        ]

    def __str__(self) -> str:
        return f"Suggestion {self.pk}"
