"""The rollup tables: running totals of the session logs per pair (all time, per month, per
skill each way), the same per cohort, and each pair's way along its session plan in one row.
How they are kept: sessions.py (per pair), cohorts.py (per cohort), plan.py (plan summaries)."""

from __future__ import annotations

from django.db import models


class PairSessionTotals(models.Model):
    """Everything a pair has logged: one row per pair with at least one session."""

    pair = models.OneToOneField(
        "pairing.Pair", on_delete=models.CASCADE, primary_key=True, related_name="session_totals"
    )
    sessions = models.PositiveIntegerField(default=0)
    reverse_minutes = models.PositiveIntegerField(default=0)
    forward_minutes = models.PositiveIntegerField(default=0)
    both_minutes = models.PositiveIntegerField(default=0)
    last_held_on = models.DateField()

    class Meta:
        db_table = "sessions_log_pair_totals"

    def __str__(self) -> str:
        return f"Totals of pair {self.pair_id}"

    @property
    def minutes(self) -> int:
        return self.reverse_minutes + self.forward_minutes + self.both_minutes


class PairMonthTotals(models.Model):
    """What a pair logged in one calendar month (``month`` is its first day)."""

    pair = models.ForeignKey(
        "pairing.Pair", on_delete=models.CASCADE, related_name="session_months"
    )
    month = models.DateField()
    sessions = models.PositiveIntegerField(default=0)
    reverse_minutes = models.PositiveIntegerField(default=0)
    forward_minutes = models.PositiveIntegerField(default=0)
    both_minutes = models.PositiveIntegerField(default=0)
    last_held_on = models.DateField()

    class Meta:
        db_table = "sessions_log_pair_month_totals"
        constraints = [
            models.UniqueConstraint(fields=["pair", "month"], name="pair_month_totals_once")
        ]
        # The dashboard reads the months of the pairs in view (a cohort whose pairs are all in
        # view from its cohort's rows): from the index alone, on PostgreSQL.
        indexes = [
            models.Index(
                fields=["pair"],
                include=["month", "sessions", "reverse_minutes", "forward_minutes", "both_minutes"],
                name="pair_month_totals_by_pair",
            )
        ]

    def __str__(self) -> str:
        return f"Pair {self.pair_id} in {self.month:%Y-%m}"


class PairSkillTotals(models.Model):
    """How many of a pair's sessions covered a skill in one direction ("reverse": junior →
    senior, "forward": senior → junior), from the logs' per-direction skills."""

    pair = models.ForeignKey(
        "pairing.Pair", on_delete=models.CASCADE, related_name="session_skills"
    )
    skill = models.ForeignKey("accounts.Skill", on_delete=models.CASCADE, related_name="+")
    way = models.CharField(max_length=7)
    sessions = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "sessions_log_pair_skill_totals"
        constraints = [
            models.UniqueConstraint(fields=["pair", "skill", "way"], name="pair_skill_totals_once")
        ]
        indexes = [
            models.Index(
                fields=["pair"],
                include=["way", "skill", "sessions"],
                name="pair_skill_totals_by_pair",
            )
        ]

    def __str__(self) -> str:
        return f"Pair {self.pair_id}, skill {self.skill_id} ({self.way})"


class CohortSessionTotals(models.Model):
    """What a cohort's pairs have logged, all told, and how many of its pairs have logged
    anything. The dashboard reads a cohort's monthly and skill totals below instead of its
    pairs' only when the pairs in view add up to exactly these figures (so a cohort whose
    totals fell out of step, say after a pair was deleted with its logs, is read pair by
    pair until the next rebuild: slower, never wrong). Plain integers: a total out of step
    may go below zero for a while without failing the write that found it."""

    cohort = models.OneToOneField(
        "mentoring.Cohort",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="session_totals",
    )
    pairs = models.IntegerField(default=0)
    sessions = models.IntegerField(default=0)
    reverse_minutes = models.IntegerField(default=0)
    forward_minutes = models.IntegerField(default=0)
    both_minutes = models.IntegerField(default=0)

    class Meta:
        db_table = "sessions_log_cohort_totals"

    def __str__(self) -> str:
        return f"Totals of cohort {self.cohort_id}"


class CohortMonthTotals(models.Model):
    """What a cohort's pairs logged in one calendar month (``month`` is its first day)."""

    cohort = models.ForeignKey("mentoring.Cohort", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    sessions = models.IntegerField(default=0)
    reverse_minutes = models.IntegerField(default=0)
    forward_minutes = models.IntegerField(default=0)
    both_minutes = models.IntegerField(default=0)

    class Meta:
        db_table = "sessions_log_cohort_month_totals"
        constraints = [
            models.UniqueConstraint(fields=["cohort", "month"], name="cohort_month_totals_once")
        ]

    def __str__(self) -> str:
        return f"Cohort {self.cohort_id} in {self.month:%Y-%m}"


class CohortSkillTotals(models.Model):
    """How many of a cohort's sessions covered a skill in one direction."""

    cohort = models.ForeignKey("mentoring.Cohort", on_delete=models.CASCADE, related_name="+")
    skill = models.ForeignKey("accounts.Skill", on_delete=models.CASCADE, related_name="+")
    way = models.CharField(max_length=7)
    sessions = models.IntegerField(default=0)

    class Meta:
        db_table = "sessions_log_cohort_skill_totals"
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "skill", "way"], name="cohort_skill_totals_once"
            )
        ]

    def __str__(self) -> str:
        return f"Cohort {self.cohort_id}, skill {self.skill_id} ({self.way})"


class PairPlanSummary(models.Model):
    """A pair's progress rows (sessions_log.plan_models.PairStepProgress) in one row: the
    steps it marked done and skipped (ids, ascending, comma-separated) and whether it put its
    steps in an order of its own. The dashboard groups pairs by these to tell who is on track
    in one query. A step deleted from the plan may linger here; readers ignore ids that are no
    longer steps of the plan. No row: the pair has no progress rows."""

    pair = models.OneToOneField(
        "pairing.Pair", on_delete=models.CASCADE, primary_key=True, related_name="plan_summary"
    )
    done = models.TextField(blank=True)
    skipped = models.TextField(blank=True)
    own_order = models.BooleanField(default=False)

    class Meta:
        db_table = "sessions_log_pair_plan_summary"

    def __str__(self) -> str:
        return f"Plan summary of pair {self.pair_id}"


def _loose_key(model: str) -> models.OneToOneField:
    """A roster row's key: the row it mirrors, without a database constraint (below)."""
    return models.OneToOneField(
        model, on_delete=models.CASCADE, primary_key=True, related_name="+", db_constraint=False
    )


def _loose(model: str) -> models.ForeignKey:
    """A roster's link to another row, without a database constraint or index."""
    return models.ForeignKey(
        model, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )


class PairRoster(models.Model):
    """Each published pair with what the dashboard asks of its members' roster: whether each
    member's enrolment is counted (active, in a cohort not archived), their users and their
    departments. The dashboard's figures about pairs (how many, their sessions and minutes,
    at risk, by department) group these rows with the session totals above, where joining
    every pair to both members' enrolments and profiles on every cold render cost most of
    it (a quarter of a second at 50,000 people).

    The roster changes seldom (imports, withdrawals, publication), sessions often; these
    rows are kept by mentoring.dashboard.roster: the rows of the pairs a write marked
    (PairRosterMark below) are rewritten at the next render, and the whole roster is built
    again only after bulk writes. Read only through it."""

    # No database constraints or indexes but the key: a whole build writes every row in one
    # statement, and each constraint checks every row again at commit (a second per build at
    # 50,000 people, where the build itself takes a tenth). Deletes still cascade here
    # (Django's own), and a row that outlived its pair is dropped at the next build.
    pair = _loose_key("pairing.Pair")
    cohort = _loose("mentoring.Cohort")
    status = models.CharField(max_length=6)
    published_at = models.DateTimeField()
    junior = _loose("mentoring.Enrolment")
    senior = _loose("mentoring.Enrolment")
    junior_user = _loose("accounts.User")
    senior_user = _loose("accounts.User")
    junior_counted = models.BooleanField()
    senior_counted = models.BooleanField()
    junior_department = models.CharField(max_length=200, null=True)  # noqa: DJ001 (no profile)
    senior_department = models.CharField(max_length=200, null=True)  # noqa: DJ001

    class Meta:
        db_table = "sessions_log_pair_roster"

    def __str__(self) -> str:
        return f"Roster of pair {self.pair_id}"


class EnrolmentRoster(models.Model):
    """Each counted enrolment (active, in a cohort not archived) with what the dashboard
    counts of it: cohort, user, side and department; whether it is its person's first counted
    enrolment (the lowest id), so that people are counted once by adding up; and its impact
    survey's change per area (final answer minus baseline, both given, else null). The
    dashboard's people, enrolments, departments and impact figures group these rows in one
    pass, where joining every enrolment to its cohort, profile and two survey answers, and
    counting people apart, cost most of a render after a roster change (0.15 s at 50,000
    people). Kept with the pair roster by mentoring.dashboard.roster, from the same marks."""

    # As PairRoster: no constraints or indexes but the key.
    enrolment = _loose_key("mentoring.Enrolment")
    cohort = _loose("mentoring.Cohort")
    user = _loose("accounts.User")
    side = models.CharField(max_length=6)
    department = models.CharField(max_length=200, null=True)  # noqa: DJ001 (no profile)
    first_of_user = models.BooleanField()
    surveyed = models.BooleanField()  # both answers given; the changes below
    confidence = models.SmallIntegerField(null=True)
    certainty = models.SmallIntegerField(null=True)
    culture = models.SmallIntegerField(null=True)
    celebration = models.SmallIntegerField(null=True)
    control = models.SmallIntegerField(null=True)
    connection = models.SmallIntegerField(null=True)
    contribution = models.SmallIntegerField(null=True)
    new_perspectives = models.SmallIntegerField(null=True)
    inclusion = models.SmallIntegerField(null=True)
    engagement = models.SmallIntegerField(null=True)

    class Meta:
        db_table = "sessions_log_enrolment_roster"

    def __str__(self) -> str:
        return f"Roster of enrolment {self.enrolment_id}"


class PairRosterMark(models.Model):
    """What a write touched since the rosters (above) were last brought up to date: a pair, an
    enrolment, a user (their profile) or a cohort, or everything (a bulk write). Left in the
    writer's own transaction (mentoring.dashboard.roster); the next dashboard render takes the
    marks and rewrites the roster rows of the pairs they reach."""

    class Kind(models.TextChoices):
        PAIR = "p", "pair"
        ENROLMENT = "e", "enrolment"
        USER = "u", "user"
        COHORT = "c", "cohort"
        EVERYTHING = "a", "everything"

    id = models.BigAutoField(primary_key=True)
    kind = models.CharField(max_length=1, choices=Kind.choices)
    key = models.BigIntegerField(default=0)  # 0 for everything

    class Meta:
        db_table = "sessions_log_pair_roster_mark"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.key}"


class PairPacked(models.Model):
    """A pair's months and skills (its PairMonthTotals and PairSkillTotals rows) packed into
    one row each (packed.py has the format): the dashboard sums them for the pairs in view
    when only part of a cohort is. One row per pair with at least one session."""

    pair = models.OneToOneField(
        "pairing.Pair", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    months = models.BinaryField(default=b"")
    skills = models.BinaryField(default=b"")

    class Meta:
        db_table = "sessions_log_pair_packed"

    def __str__(self) -> str:
        return f"Packed totals of pair {self.pair_id}"
