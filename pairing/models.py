from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class PairingRun(models.Model):
    """One computation of proposals for a cohort, with the weights and rules it used.

    HR edits the proposals on the board; every edit bumps ``version`` so that two people
    editing one board notice each other instead of overwriting each other."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    cohort = models.ForeignKey(
        "mentoring.Cohort", on_delete=models.CASCADE, related_name="pairing_runs"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    number = models.PositiveIntegerField(
        default=0, help_text="Run 1, Run 2 … within its cohort (0: numbered by the migration)."
    )
    top_up = models.BooleanField(
        default=False,
        help_text="Started on a cohort with published pairs: it pairs only people with free "
        "places, around the active pairs.",
    )
    status = models.CharField(max_length=7, choices=Status.choices, default=Status.QUEUED)
    progress = models.FloatField(default=0.0, help_text="0 to 1 while the run computes.")
    progress_label = models.CharField(max_length=60, blank=True)
    weights = models.JSONField(default=dict, blank=True)
    rules = models.JSONField(
        default=dict, blank=True, help_text="The cohort rules, locks and excludes this run used."
    )
    total_score = models.IntegerField(default=0)
    pairs_count = models.PositiveIntegerField(default=0)
    juniors_count = models.PositiveIntegerField(default=0)
    seniors_count = models.PositiveIntegerField(default=0)
    unmatched = models.JSONField(
        default=dict,
        blank=True,
        help_text="Why the engine left people without a partner: enrolment id -> reason.",
    )
    error = models.CharField(max_length=500, blank=True)
    version = models.PositiveIntegerField(default=0)
    queued_at = models.DateTimeField(
        null=True, blank=True, help_text="When the run last went to the pairing queue."
    )
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Last sign of life from the worker computing the run; a silent run has died.",
    )
    attempts = models.PositiveIntegerField(
        default=0, help_text="How many times a worker took this run (a retry takes it again)."
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_seconds = models.FloatField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.label} of {self.cohort}"

    @property
    def label(self) -> str:
        return f"Run {self.number or self.pk}" + (" (top-up)" if self.top_up else "")

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DONE and self.published_at is None

    @property
    def can_retry(self) -> bool:
        return self.status == self.Status.FAILED and self.published_at is None

    @property
    def progress_percent(self) -> int:
        return round(100 * max(0.0, min(1.0, self.progress)))


class Proposal(models.Model):
    """A proposed junior–senior pair in a run, with the engine's explanation.

    ``reverse_flows`` / ``forward_flows`` hold skill names resolved at run time, so the board
    and the participant page read them without joining the taxonomy:
    ``[{"skill_id": 3, "skill": "TikTok", "teach": 3, "learn": 3, "points": 9}, ...]``."""

    run = models.ForeignKey(PairingRun, on_delete=models.CASCADE, related_name="proposals")
    junior = models.ForeignKey("mentoring.Enrolment", on_delete=models.CASCADE, related_name="+")
    senior = models.ForeignKey("mentoring.Enrolment", on_delete=models.CASCADE, related_name="+")
    score = models.IntegerField(default=0)
    reverse = models.IntegerField(default=0)
    forward = models.IntegerField(default=0)
    breakdown = models.JSONField(default=list, blank=True)
    reverse_flows = models.JSONField(default=list, blank=True)
    forward_flows = models.JSONField(default=list, blank=True)
    warnings = models.JSONField(
        default=list, blank=True, help_text="Rules this pair breaks (set by hand on the board)."
    )
    locked = models.BooleanField(default=False)
    by_hand = models.BooleanField(default=False)

    class Meta:
        ordering = ["-score", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "junior", "senior"], name="proposal_unique_in_run"
            ),
        ]

    def __str__(self) -> str:
        return f"Proposal {self.junior_id} → {self.senior_id} ({self.score})"

    def explanation(self) -> dict:
        """The shape stored on a published Pair and shown to its members."""
        return {
            "breakdown": self.breakdown,
            "reverse_flows": self.reverse_flows,
            "forward_flows": self.forward_flows,
            "warnings": self.warnings,
        }


class Rule(models.Model):
    """HR's explicit choice about one junior–senior pair in a cohort: keep it, or never propose it."""

    class Kind(models.TextChoices):
        LOCK = "lock", "Lock"
        EXCLUDE = "exclude", "Exclude"

    cohort = models.ForeignKey(
        "mentoring.Cohort", on_delete=models.CASCADE, related_name="pairing_rules"
    )
    junior = models.ForeignKey("mentoring.Enrolment", on_delete=models.CASCADE, related_name="+")
    senior = models.ForeignKey("mentoring.Enrolment", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=7, choices=Kind.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cohort", "kind", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "junior", "senior"], name="rule_one_per_pair"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.junior_id} → {self.senior_id}"


class Pair(models.Model):
    """A published junior–senior partnership."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        ENDED = "ended", "Ended"

    cohort = models.ForeignKey("mentoring.Cohort", on_delete=models.CASCADE, related_name="pairs")
    junior = models.ForeignKey(
        "mentoring.Enrolment", on_delete=models.CASCADE, related_name="pairs_as_junior"
    )
    senior = models.ForeignKey(
        "mentoring.Enrolment", on_delete=models.CASCADE, related_name="pairs_as_senior"
    )
    run = models.ForeignKey(
        PairingRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="pairs"
    )
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
            models.UniqueConstraint(
                fields=["junior", "senior"],
                condition=models.Q(status="active"),
                name="pair_unique_active",
            ),
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


class RematchRequest(models.Model):
    """A no-fault request by a pair member for a new partner; HR resolves or declines it."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Resolved"
        DECLINED = "declined", "Declined"

    pair = models.ForeignKey(Pair, on_delete=models.CASCADE, related_name="rematch_requests")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.TextField(blank=True, max_length=2000)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    note = models.TextField("HR's note", blank=True, max_length=2000)
    created = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["pair"], condition=models.Q(status="open"), name="rematch_one_open_per_pair"
            ),
        ]

    def __str__(self) -> str:
        return f"Re-match request {self.pk} ({self.status})"


from pairing.shortlist_models import Shortlist, ShortlistLook, Suggestion  # noqa: E402,F401
