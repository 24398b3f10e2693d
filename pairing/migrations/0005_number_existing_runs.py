from django.db import migrations


def number_runs(apps, schema_editor) -> None:
    """Existing runs get Run 1, Run 2 … per cohort, in the order they were started."""
    PairingRun = apps.get_model("pairing", "PairingRun")
    counters: dict[int, int] = {}
    changed = []
    for run in PairingRun.objects.order_by("cohort_id", "created_at", "pk").only("pk", "cohort_id"):
        counters[run.cohort_id] = counters.get(run.cohort_id, 0) + 1
        run.number = counters[run.cohort_id]
        changed.append(run)
    PairingRun.objects.bulk_update(changed, ["number"], batch_size=1000)


def unnumber_runs(apps, schema_editor) -> None:
    apps.get_model("pairing", "PairingRun").objects.update(number=0)


class Migration(migrations.Migration):
    dependencies = [("pairing", "0004_run_number_and_top_up")]

    operations = [migrations.RunPython(number_runs, unnumber_runs)]
