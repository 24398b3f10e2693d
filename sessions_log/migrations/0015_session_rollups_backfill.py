"""Build the dashboard's running totals for the sessions logged before they existed."""

from django.db import migrations
from django.db.models import Count, Max, Q, Sum
from django.db.models.functions import TruncMonth


def backfill(apps, schema_editor) -> None:
    SessionLog = apps.get_model("sessions_log", "SessionLog")
    PairMonthTotals = apps.get_model("sessions_log", "PairMonthTotals")
    PairSessionTotals = apps.get_model("sessions_log", "PairSessionTotals")
    rows = (
        SessionLog.objects.annotate(month=TruncMonth("held_on"))
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
    months, totals = [], {}
    for row in rows.iterator(chunk_size=5000):
        months.append(PairMonthTotals(**row))
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


def forget(apps, schema_editor) -> None:
    apps.get_model("sessions_log", "PairMonthTotals").objects.all().delete()
    apps.get_model("sessions_log", "PairSessionTotals").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("sessions_log", "0014_session_rollups")]

    operations = [migrations.RunPython(backfill, forget)]
