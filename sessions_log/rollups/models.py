"""Running totals of the session logs, per pair, per pair and month, and per pair and skill
covered each way, for the dashboard.

A cold dashboard (the first view after any write, which on a live programme is most views)
would otherwise group every session ever logged. These rows are rewritten for one pair in the
same transaction as any write to that pair's logs (create, edit, delete: the model's signals,
so the services, the admin and the tests all keep them), and rebuilt whole by
``rebuild_all()`` after bulk writes that bypass signals (the demo seed, benchmarks) and by
``manage.py rebuild_session_rollups`` for existing data.

Minutes are kept per direction as logged ("both" on its own), so readers split "both" the way
they choose; the totals are checked against the logs themselves in
tests/sessions_log/test_rollups.py."""

from __future__ import annotations

from datetime import date
from typing import cast

from django.db import connection, models, transaction
from django.db.models import Count, Max, Q, QuerySet, Sum, Value
from django.db.models.functions import TruncMonth
from django.db.models.signals import m2m_changed, post_delete, post_save


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
        # The dashboard reads a year of months for every pair in view: from the index alone.
        indexes = [
            models.Index(
                fields=[
                    "month",
                    "pair",
                    "sessions",
                    "reverse_minutes",
                    "forward_minutes",
                    "both_minutes",
                ],
                name="pair_month_totals_by_month",
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
                fields=["way", "skill", "pair", "sessions"], name="pair_skill_totals_by_way"
            )
        ]

    def __str__(self) -> str:
        return f"Pair {self.pair_id}, skill {self.skill_id} ({self.way})"


WAYS = ("reverse", "forward")


def _skill_rows(pair_ids: set[int] | None) -> list[PairSkillTotals]:
    from sessions_log.models import SessionLog

    rows = []
    for way in WAYS:
        through = getattr(SessionLog, f"skills_{way}").through.objects.all()
        if pair_ids is not None:
            through = through.filter(sessionlog__pair_id__in=pair_ids)
        for pair_id, skill_id, n in (
            through.values_list("sessionlog__pair_id", "skill_id")
            .annotate(n=Count("pk"))
            .order_by()
        ):
            rows.append(PairSkillTotals(pair_id=pair_id, skill_id=skill_id, way=way, sessions=n))
    return rows


def _grouped(logs) -> list[dict]:
    return list(
        logs.annotate(month=TruncMonth("held_on"))
        .values("pair_id", "month")
        .annotate(
            sessions=Count("pk"),
            reverse_minutes=Sum("minutes", filter=Q(direction="reverse"), default=0),
            forward_minutes=Sum("minutes", filter=Q(direction="forward"), default=0),
            both_minutes=Sum("minutes", filter=Q(direction="both"), default=0),
            last_held_on=Max("held_on"),
        )
        .order_by()
    )


def _write(rows: list[dict]) -> None:
    months = []
    totals: dict[int, PairSessionTotals] = {}
    for row in rows:
        month = row["month"]
        if not isinstance(month, date):  # some backends hand back a datetime
            month = date.fromisoformat(str(month)[:10])
        elif hasattr(month, "date"):
            month = month.date()
        months.append(PairMonthTotals(**{**row, "month": month}))
        total = totals.setdefault(
            row["pair_id"],
            PairSessionTotals(pair_id=row["pair_id"], last_held_on=row["last_held_on"]),
        )
        total.sessions += row["sessions"]
        total.reverse_minutes += row["reverse_minutes"]
        total.forward_minutes += row["forward_minutes"]
        total.both_minutes += row["both_minutes"]
        total.last_held_on = max(total.last_held_on, row["last_held_on"])
    PairMonthTotals.objects.bulk_create(months, batch_size=5000)
    PairSessionTotals.objects.bulk_create(totals.values(), batch_size=5000)


@transaction.atomic
def refresh_pairs(pair_ids: set[int]) -> None:
    """Rewrite the totals of these pairs from their logs (a pair logs a few dozen sessions, so
    this is cheap and, unlike adding and subtracting, cannot drift)."""
    from sessions_log.models import SessionLog

    if not pair_ids:
        return
    PairMonthTotals.objects.filter(pair_id__in=pair_ids).delete()
    PairSessionTotals.objects.filter(pair_id__in=pair_ids).delete()
    PairSkillTotals.objects.filter(pair_id__in=pair_ids).delete()
    _write(_grouped(SessionLog.objects.filter(pair_id__in=pair_ids)))
    PairSkillTotals.objects.bulk_create(_skill_rows(pair_ids), batch_size=5000)


@transaction.atomic
def rebuild_all() -> int:
    """Every pair's totals from scratch, grouped and written by the database itself (a large
    demo has a million logs: nothing of them passes through Python); returns how many
    pair-month rows were written."""
    from sessions_log.models import SessionLog

    PairMonthTotals.objects.all().delete()
    PairSessionTotals.objects.all().delete()
    PairSkillTotals.objects.all().delete()
    totals = ("sessions", "reverse_minutes", "forward_minutes", "both_minutes", "last_held_on")
    months = _insert_from(
        PairMonthTotals,
        ("pair_id", "month", *totals),
        SessionLog.objects.annotate(month=TruncMonth("held_on"))
        .values_list("pair_id", "month")
        .annotate(
            n=Count("pk"),
            rev=Sum("minutes", filter=Q(direction="reverse"), default=0),
            fwd=Sum("minutes", filter=Q(direction="forward"), default=0),
            both=Sum("minutes", filter=Q(direction="both"), default=0),
            last=Max("held_on"),
        )
        .order_by(),
    )
    _insert_from(
        PairSessionTotals,
        ("pair_id", *totals),
        PairMonthTotals.objects.values_list("pair_id")
        .annotate(
            n=Sum("sessions"),
            rev=Sum("reverse_minutes"),
            fwd=Sum("forward_minutes"),
            both=Sum("both_minutes"),
            last=Max("last_held_on"),
        )
        .order_by(),
    )
    for way in WAYS:
        _insert_from(
            PairSkillTotals,
            ("pair_id", "skill_id", "way", "sessions"),
            getattr(SessionLog, f"skills_{way}")
            .through.objects.values_list("sessionlog__pair_id", "skill_id")
            .annotate(way=Value(way), n=Count("pk"))
            .order_by(),
        )
    return months


def _insert_from(model: type[models.Model], fields: tuple[str, ...], rows: QuerySet) -> int:
    """INSERT INTO the model's table the rows of a query whose columns are ``fields``, in
    order. Returns how many rows went in."""
    sql, params = rows.query.sql_with_params()
    quote = connection.ops.quote_name
    # A concrete field always has a column; the stubs allow None for the others.
    column_of = {field.attname: cast(str, field.column) for field in model._meta.concrete_fields}
    columns = ", ".join(quote(column_of[name]) for name in fields)
    with connection.cursor() as cursor:
        # Names from the models' metadata, the query compiled by Django with its parameters.
        cursor.execute(f"INSERT INTO {quote(model._meta.db_table)} ({columns}) {sql}", params)  # noqa: S608
        return cursor.rowcount


def _log_saved(sender, instance, raw: bool = False, **kwargs) -> None:
    if raw:  # loaddata: the fixture's rollup rows come with it
        return
    refresh_pairs({instance.pair_id})


def _log_deleted(sender, instance, origin=None, **kwargs) -> None:
    from sessions_log.models import SessionLog

    # A log goes either by itself (a person, the admin, a queryset of logs) or with its pair
    # (a pair, cohort or person erased), whose totals then go by cascade too.
    by_itself = isinstance(origin, SessionLog) or getattr(origin, "model", None) is SessionLog
    if not by_itself:
        return
    # One rewrite per pair per deletion: every log of the batch is already gone by now.
    done: set[int] = origin.__dict__.setdefault("_rollup_pairs_refreshed", set())
    if instance.pair_id not in done:
        done.add(instance.pair_id)
        refresh_pairs({instance.pair_id})


def _skills_changed(sender, instance, action: str, reverse: bool, pk_set=None, **kwargs) -> None:
    if not action.startswith("post_"):
        return
    if reverse:  # from the skill's side (a merge re-pointing uses): the logs named in pk_set
        from sessions_log.models import SessionLog

        pairs = set(
            SessionLog.objects.filter(pk__in=pk_set or ()).values_list("pair_id", flat=True)
        )
        if action == "post_clear":  # no pk_set: every pair that covered the skill this way
            pairs = set(
                PairSkillTotals.objects.filter(skill=instance).values_list("pair_id", flat=True)
            )
        refresh_pairs(pairs)
    else:
        refresh_pairs({instance.pair_id})


post_save.connect(_log_saved, sender="sessions_log.SessionLog", dispatch_uid="rollups-save")
post_delete.connect(_log_deleted, sender="sessions_log.SessionLog", dispatch_uid="rollups-del")
for _way in WAYS:
    m2m_changed.connect(
        _skills_changed,
        sender=f"sessions_log.SessionLog_skills_{_way}",
        dispatch_uid=f"rollups-skills-{_way}",
    )
