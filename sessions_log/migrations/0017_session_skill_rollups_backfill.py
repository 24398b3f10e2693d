"""Build the per-pair skill totals for the sessions logged before they existed."""

from django.db import migrations
from django.db.models import Count


def backfill(apps, schema_editor) -> None:
    SessionLog = apps.get_model("sessions_log", "SessionLog")
    PairSkillTotals = apps.get_model("sessions_log", "PairSkillTotals")
    rows = []
    for way in ("reverse", "forward"):
        through = getattr(SessionLog, f"skills_{way}").through
        for pair_id, skill_id, n in (
            through.objects.values_list("sessionlog__pair_id", "skill_id")
            .annotate(n=Count("pk"))
            .order_by()
        ):
            rows.append(PairSkillTotals(pair_id=pair_id, skill_id=skill_id, way=way, sessions=n))
    PairSkillTotals.objects.bulk_create(rows, batch_size=5000)


def forget(apps, schema_editor) -> None:
    apps.get_model("sessions_log", "PairSkillTotals").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("sessions_log", "0016_session_skill_rollups")]

    operations = [migrations.RunPython(backfill, forget)]
