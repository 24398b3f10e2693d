from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from mentoring.plan_defaults import default_junior_guide, default_senior_guide
from mentoring.plan_resources import clean_resources


class Programme(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True)
    agreement = models.TextField(
        "mentoring agreement",
        blank=True,
        help_text="What both partners agree to: confidentiality, judgement parked, cadence, "
        "how to cancel.",
    )
    junior_guide = models.TextField(
        "guide for juniors",
        blank=True,
        default=default_junior_guide,
        help_text="Mentoring someone senior: shown to juniors at the start and from the plan.",
    )
    senior_guide = models.TextField(
        "guide for seniors",
        blank=True,
        default=default_senior_guide,
        help_text="Being mentored: shown to seniors at the start and from the plan.",
    )
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class Cohort(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ENROLLING = "enrolling", "Enrolling"
        PAIRING = "pairing", "Pairing"
        ACTIVE = "active", "Active"
        CLOSED = "closed", "Closed"

    # Allowed moves of the status flow; HR may step back one stage before pairs are published.
    TRANSITIONS: dict[str, tuple[str, ...]] = {
        "draft": ("enrolling",),
        "enrolling": ("draft", "pairing"),
        "pairing": ("enrolling", "active"),
        "active": ("closed",),
        "closed": (),
    }

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="cohorts")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    meeting_cadence_days = models.PositiveSmallIntegerField(
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text="Pairs are expected to meet about this often; quiet pairs are nudged after it.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)

    # Pairing weights (DESIGN.md "Pairing score" defaults).
    weight_reverse = models.PositiveSmallIntegerField(default=3)
    weight_forward = models.PositiveSmallIntegerField(default=2)
    weight_forward_bonus = models.PositiveSmallIntegerField(default=2)
    weight_department = models.PositiveSmallIntegerField(default=1)
    weight_location = models.PositiveSmallIntegerField(default=1)
    # Added to a pair's score for each side that marked the other "I'd like" on the shortlist.
    weight_preference = models.PositiveSmallIntegerField(default=4)
    # Optional rules, off by default.
    min_grade_gap = models.PositiveSmallIntegerField(null=True, blank=True)
    must_differ_department = models.BooleanField(default=False)
    max_timezone_diff_hours = models.PositiveSmallIntegerField(null=True, blank=True)

    closed_at = models.DateTimeField(null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(starts_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="cohort_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(meeting_cadence_days__gte=1), name="cohort_cadence_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme.name} · {self.name}" if self.programme_id else self.name

    def get_absolute_url(self) -> str:
        return reverse("mentoring:cohort_detail", args=[self.slug])

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, ())

    def move_to(self, status: str) -> None:
        if not self.can_move_to(status):
            raise ValueError(f"A {self.status} cohort cannot become {status}.")
        self.status = status
        if status == self.Status.CLOSED:
            self.closed_at = timezone.now()
        self.save(update_fields=["status", "closed_at"])

    @property
    def weights(self) -> dict[str, int]:
        return {
            "reverse": self.weight_reverse,
            "forward": self.weight_forward,
            "forward_bonus": self.weight_forward_bonus,
            "department": self.weight_department,
            "location": self.weight_location,
            "preference": self.weight_preference,
        }


class Enrolment(models.Model):
    class Side(models.TextChoices):
        JUNIOR = "junior", "Junior (reverse mentor)"
        SENIOR = "senior", "Senior (reverse mentee)"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        WITHDRAWN = "withdrawn", "Withdrawn"

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="enrolments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments"
    )
    side = models.CharField(max_length=6, choices=Side.choices)
    capacity = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1)])
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    invited_at = models.DateTimeField(
        null=True, blank=True, help_text="When the last invitation email was scheduled."
    )
    invitations_sent = models.PositiveSmallIntegerField(
        default=0, help_text="How many invitation emails were scheduled (first one and resends)."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cohort", "side", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "user"], name="enrolment_unique_person"),
            models.CheckConstraint(
                condition=models.Q(capacity__gte=1), name="enrolment_capacity_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(side__in=["junior", "senior"]), name="enrolment_side_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.cohort} as {self.side}"


class PlanStep(models.Model):
    """One step of a programme's session plan (DESIGN.md "A structured programme"). The plan
    belongs to the programme; each pair's progress along it lives in sessions_log."""

    class Kind(models.TextChoices):
        KICKOFF = "kickoff", "Kick-off and agreement"
        SESSION = "session", "Session"
        MIDPOINT = "midpoint", "Mid-point review"
        CLOSE = "close", "Close"

    MAX_WEEK = 104

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="plan_steps")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.SESSION)
    title = models.CharField(max_length=200)
    topic = models.CharField(max_length=200, blank=True)
    junior_prompts = models.TextField(
        "what the junior brings",
        blank=True,
        max_length=4000,
        help_text="One prompt per line: what the junior (reverse mentor) prepares and teaches.",
    )
    senior_prompts = models.TextField(
        "what the senior brings back",
        blank=True,
        max_length=4000,
        help_text="One prompt per line: what the senior shares in return.",
    )
    due_week = models.PositiveSmallIntegerField(
        "due in week",
        default=1,
        validators=[MaxValueValidator(MAX_WEEK)],
        help_text="Weeks after the pair starts (0 is the first week).",
    )
    resources = models.JSONField(
        default=list,
        blank=True,
        validators=[clean_resources],
        help_text="Links and short texts: a list of {title, url?, text?}; links are http(s).",
    )

    class Meta:
        ordering = ["programme", "position", "pk"]
        indexes = [models.Index(fields=["programme", "position"], name="planstep_order")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(due_week__lte=104), name="planstep_due_week_range"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def junior_prompt_lines(self) -> list[str]:
        return [line.strip() for line in self.junior_prompts.splitlines() if line.strip()]

    @property
    def senior_prompt_lines(self) -> list[str]:
        return [line.strip() for line in self.senior_prompts.splitlines() if line.strip()]


# Models of the core that live in their own packages, registered with this app.
from mentoring.applications.models import Application, ApplicationCall, Question  # noqa: E402,F401
from mentoring.audit.models import AuditEntry  # noqa: E402,F401
from mentoring.imports.models import ImportJob  # noqa: E402,F401
from mentoring.outbox.models import OutboxMessage  # noqa: E402,F401
from mentoring.privacy.models import PastPairHash, RetentionPurge  # noqa: E402,F401
