"""A cohort's call for applications, HR's questions and the applications themselves."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from mentoring.lib.text import validate_no_control_characters


class ApplicationCall(models.Model):
    """A cohort open for applications: until when, how many places per side, what to ask."""

    cohort = models.OneToOneField(
        "mentoring.Cohort", on_delete=models.CASCADE, related_name="application_call"
    )
    is_open = models.BooleanField(default=False)
    closes_at = models.DateTimeField(
        null=True, blank=True, help_text="Applications arriving after this are refused."
    )
    junior_places = models.PositiveSmallIntegerField(
        default=10, validators=[MaxValueValidator(10_000)]
    )
    senior_places = models.PositiveSmallIntegerField(
        default=10, validators=[MaxValueValidator(10_000)]
    )
    introduction = models.TextField(
        blank=True, max_length=2000, validators=[validate_no_control_characters]
    )
    # Bumped to revoke every invite link handed out so far.
    link_version = models.PositiveIntegerField(default=1)

    def __str__(self) -> str:
        return f"Applications for {self.cohort}"

    def accepting(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.is_open and (self.closes_at is None or now < self.closes_at)

    def places_for(self, side: str) -> int:
        return self.junior_places if side == "junior" else self.senior_places


class Question(models.Model):
    class Kind(models.TextChoices):
        TEXT = "text", "Text"
        CHOICE = "choice", "One choice"
        CHOICES = "choices", "Several choices"
        TEACH = "teach", "Skills they can teach"
        LEARN = "learn", "Skills they want to learn"
        CAPACITY = "capacity", "How many partners they can take"

    call = models.ForeignKey(ApplicationCall, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.TEXT)
    label = models.CharField(max_length=200, validators=[validate_no_control_characters])
    help_text = models.CharField(
        max_length=300, blank=True, validators=[validate_no_control_characters]
    )
    choices = models.TextField(
        blank=True, max_length=2000, help_text="One choice per line (choice questions only)."
    )
    required = models.BooleanField(default=True)

    class Meta:
        ordering = ["call", "position", "pk"]

    def __str__(self) -> str:
        return self.label

    @property
    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]


class Application(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "Waiting for a decision"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"
        WAITLISTED = "waitlisted", "Wait-listed"

    cohort = models.ForeignKey(
        "mentoring.Cohort", on_delete=models.CASCADE, related_name="applications"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="applications"
    )
    side = models.CharField(max_length=6, choices=[("junior", "Junior"), ("senior", "Senior")])
    # [{"question": id, "label": "…", "kind": "text", "value": "…" | ["…"]}]: the question's
    # wording is kept with the answer, so an edited question never changes what was answered.
    answers = models.JSONField(default=list, blank=True)
    capacity = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    note = models.TextField("HR's note to the applicant", blank=True, max_length=2000)
    enrolment = models.ForeignKey(
        "mentoring.Enrolment", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "user"], name="application_one_per_person"),
            models.CheckConstraint(
                condition=models.Q(side__in=["junior", "senior"]), name="application_side_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Application {self.pk} ({self.state})"
