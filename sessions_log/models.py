from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from mentoring.lib.form_tokens import token_field


class Meeting(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        CANCELLED = "cancelled", "Cancelled"

    pair = models.ForeignKey("pairing.Pair", on_delete=models.CASCADE, related_name="meetings")
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(
        default=45, validators=[MinValueValidator(5), MaxValueValidator(480)]
    )
    location = models.CharField("place or video link", max_length=500, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    form_token = token_field()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["pair", "form_token"], name="meeting_form_once"),
        ]

    def __str__(self) -> str:
        return f"Meeting {self.pk} at {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def location_url(self) -> str:
        """The location when it is a web link (only http and https are ever links)."""
        lowered = self.location.lower()
        return self.location if lowered.startswith(("http://", "https://")) else ""


class SessionLog(models.Model):
    class Direction(models.TextChoices):
        REVERSE = "reverse", "Reverse (junior → senior)"
        FORWARD = "forward", "Forward (senior → junior)"
        BOTH = "both", "Both ways"

    pair = models.ForeignKey("pairing.Pair", on_delete=models.CASCADE, related_name="session_logs")
    meeting = models.OneToOneField(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="session_log"
    )
    held_on = models.DateField()
    minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(600)]
    )
    direction = models.CharField(max_length=7, choices=Direction.choices)
    # Skills are credited per direction: in a "both ways" session the senior's skill was not
    # also learned by the junior. A reverse-only log has only skills_reverse, and so on.
    skills_reverse = models.ManyToManyField(
        "accounts.Skill",
        blank=True,
        related_name="session_logs_reverse",
        verbose_name="skills junior → senior",
    )
    skills_forward = models.ManyToManyField(
        "accounts.Skill",
        blank=True,
        related_name="session_logs_forward",
        verbose_name="skills senior → junior",
    )
    shared_summary = models.TextField(
        blank=True, max_length=5000, help_text="Both of you can read this; nobody else can."
    )
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    form_token = token_field()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["pair", "form_token"], name="sessionlog_form_once"),
            models.CheckConstraint(
                condition=models.Q(minutes__gte=1, minutes__lte=600),
                name="sessionlog_minutes_range",
            ),
        ]
        # Covering indexes for the dashboard's two big groupings (per pair, per day): the
        # database answers them from the index alone instead of reading every row.
        indexes = [
            models.Index(
                fields=["pair", "direction", "held_on", "minutes"], name="sessionlog_pair_totals"
            ),
            models.Index(
                fields=["held_on", "direction", "minutes", "pair"], name="sessionlog_day_totals"
            ),
        ]

    def __str__(self) -> str:
        return f"Session of pair {self.pair_id} on {self.held_on}"

    def covers_way(self, way: str) -> bool:
        """Whether the session went ``way`` ("reverse" or "forward") at all."""
        return self.direction in (way, self.Direction.BOTH)


class PrivateNote(models.Model):
    """A note on a session readable by its author alone: never the partner, HR, managers, the
    admin, an export, an email or a log line."""

    session_log = models.ForeignKey(
        SessionLog, on_delete=models.CASCADE, related_name="private_notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="private_notes"
    )
    body = models.TextField(max_length=5000)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session_log", "author"], name="privatenote_one_per_author"
            ),
        ]

    def __str__(self) -> str:
        # Never the body: this string can reach logs and admin pages.
        return f"Private note {self.pk}"


class Goal(models.Model):
    class Direction(models.TextChoices):
        REVERSE = "reverse", "Reverse (the senior learns)"
        FORWARD = "forward", "Forward (the junior learns)"

    class Status(models.TextChoices):
        OPEN = "open", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        ACHIEVED = "achieved", "Achieved"
        DROPPED = "dropped", "Dropped"

    pair = models.ForeignKey("pairing.Pair", on_delete=models.CASCADE, related_name="goals")
    direction = models.CharField(max_length=7, choices=Direction.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="goals"
    )
    title = models.CharField("what I want to learn from you", max_length=300)
    status = models.CharField(max_length=11, choices=Status.choices, default=Status.OPEN)
    progress_note = models.TextField(blank=True, max_length=2000)
    due_on = models.DateField("to reach by", null=True, blank=True)
    progress = models.PositiveSmallIntegerField(
        "progress (%)", default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    form_token = token_field()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["direction", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["pair", "form_token"], name="goal_form_once"),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="goal_progress_0_100"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class AgreementAcceptance(models.Model):
    """One partner's acceptance of the programme's mentoring agreement for one pair: both must
    accept before the pair can schedule a meeting."""

    pair = models.ForeignKey(
        "pairing.Pair", on_delete=models.CASCADE, related_name="agreement_acceptances"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agreement_acceptances"
    )
    accepted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["accepted_at"]
        constraints = [
            models.UniqueConstraint(fields=["pair", "user"], name="agreement_once_per_person"),
        ]

    def __str__(self) -> str:
        return f"Agreement accepted by {self.user_id} for pair {self.pair_id}"


class FitCheck(models.Model):
    """ "Is this pairing working?", asked of each partner after the pair's first logged session.
    Shared with HR (it can open a no-fault re-match), never with the partner."""

    class Answer(models.TextChoices):
        YES = "yes", "Yes, it is working"
        NOT_SURE = "not_sure", "Not sure yet"
        NO = "no", "No, it is not working"

    pair = models.ForeignKey("pairing.Pair", on_delete=models.CASCADE, related_name="fit_checks")
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="fit_checks"
    )
    answer = models.CharField(max_length=8, choices=Answer.choices)
    comment = models.TextField(blank=True, max_length=2000)
    answered_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["answered_at"]
        constraints = [
            models.UniqueConstraint(fields=["pair", "respondent"], name="fitcheck_once_per_person"),
        ]

    def __str__(self) -> str:
        return f"Fit check of pair {self.pair_id} by {self.respondent_id}"


class Pulse(models.Model):
    """ "This is working for me", 1–5, due 30 days after pairing and then every 60 days.
    ``period`` 0 is the first (day 30), 1 the second (day 90), and so on."""

    FIRST_AFTER_DAYS = 30
    EVERY_DAYS = 60

    pair = models.ForeignKey("pairing.Pair", on_delete=models.CASCADE, related_name="pulses")
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pulses"
    )
    period = models.PositiveSmallIntegerField()
    score = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField("comment (visible to HR)", blank=True, max_length=2000)
    answered_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["period"]
        constraints = [
            models.UniqueConstraint(
                fields=["pair", "respondent", "period"], name="pulse_once_per_period"
            ),
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="pulse_score_1_5"
            ),
        ]

    def __str__(self) -> str:
        return f"Pulse {self.period} of pair {self.pair_id} by {self.respondent_id}"


class ImpactSurvey(models.Model):
    """DESIGN.md "Measuring impact": one statement per area rated 1–5, at enrolment (baseline)
    and at cohort close (final). The dashboard compares the two per person."""

    class Stage(models.TextChoices):
        BASELINE = "baseline", "At the start"
        FINAL = "final", "At the close"

    # field name -> the statement the participant rates
    AREAS: dict[str, str] = {
        "confidence": "I feel confident in my role and in what I bring.",
        "certainty": "I know where I am heading and what is expected of me.",
        "culture": "I understand the culture of our organisation beyond my own team.",
        "celebration": "I feel that what I do is recognised and celebrated.",
        "control": "I feel in control of my own development.",
        "connection": "I feel connected to people at other levels of the organisation.",
        "contribution": "I can see how my work contributes to the organisation.",
        "new_perspectives": "I regularly hear perspectives that challenge my assumptions.",
        "inclusion": "I feel included: my voice counts here.",
        "engagement": "I feel engaged and motivated at work.",
    }

    enrolment = models.ForeignKey(
        "mentoring.Enrolment", on_delete=models.CASCADE, related_name="impact_surveys"
    )
    stage = models.CharField(max_length=8, choices=Stage.choices)
    confidence = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    certainty = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    culture = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    celebration = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    control = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    connection = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    contribution = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    new_perspectives = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    inclusion = models.PositiveSmallIntegerField(
        "sense of inclusion", validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    engagement = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    answered_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["enrolment", "stage"]
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "stage"], name="impact_once_per_stage"),
        ]

    def __str__(self) -> str:
        return f"Impact survey ({self.stage}) of enrolment {self.enrolment_id}"


class Reflection(models.Model):
    """At the cohort's close: a short reflection (its author's alone, like a private note) and a
    thank-you to the partner (which the partner reads, and keeps in their contribution record)."""

    pair = models.ForeignKey("pairing.Pair", on_delete=models.CASCADE, related_name="reflections")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reflections"
    )
    reflection = models.TextField("what I take away (only you)", blank=True, max_length=3000)
    thank_you = models.TextField("a thank-you to my partner", blank=True, max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["pair", "author"], name="reflection_once_per_person"),
        ]

    def __str__(self) -> str:
        # Never the text: this string can reach logs and admin pages.
        return f"Reflection {self.pk}"


from sessions_log.plan_models import PairStepProgress  # noqa: E402, F401 - the pair's plan
