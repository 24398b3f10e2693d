"""A pair's way along its programme's session plan. The plan (mentoring.PlanStep) belongs to
the programme; which steps this pair has done, skipped or put in another order is the pair's."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class PairStepProgress(models.Model):
    """One step of the plan as this pair has it. A row with no state only records the pair's
    own order (``position``); steps without a row are simply still to do."""

    class State(models.TextChoices):
        TODO = "", "To do"
        DONE = "done", "Done"
        SKIPPED = "skipped", "Skipped"

    pair = models.ForeignKey("pairing.Pair", on_delete=models.CASCADE, related_name="plan_progress")
    step = models.ForeignKey("mentoring.PlanStep", on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=7, choices=State.choices, blank=True, default="")
    position = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The pair's own order; empty keeps the plan's."
    )
    at = models.DateTimeField(null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    session_log = models.ForeignKey(
        "sessions_log.SessionLog",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plan_steps",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["pair", "step"], name="pairstep_once_per_pair"),
            models.CheckConstraint(
                condition=models.Q(state__in=["", "done", "skipped"]), name="pairstep_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Step {self.step_id} of pair {self.pair_id}: {self.state or 'to do'}"


# The dashboard's running totals live beside the logs; imported here so the app registers them.
from sessions_log.rollups import PairMonthTotals, PairSessionTotals  # noqa: E402, F401
