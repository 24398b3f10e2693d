"""Fill the per-cohort totals and the pairs' plan summaries from what is already there."""

from collections import defaultdict

from django.db import migrations
from django.db.models import Count, Sum

MINUTES = ("reverse_minutes", "forward_minutes", "both_minutes")


def backfill(apps, schema_editor) -> None:
    get = lambda name: apps.get_model("sessions_log", name)  # noqa: E731
    sums = {name: Sum(name) for name in ("sessions", *MINUTES)}
    get("CohortSessionTotals").objects.bulk_create(
        get("CohortSessionTotals")(cohort_id=row.pop("pair__cohort_id"), **row)
        for row in get("PairSessionTotals")
        .objects.values("pair__cohort_id")
        .annotate(pairs=Count("pk"), **sums)
        .order_by()
    )
    get("CohortMonthTotals").objects.bulk_create(
        (
            get("CohortMonthTotals")(cohort_id=row.pop("pair__cohort_id"), **row)
            for row in get("PairMonthTotals")
            .objects.values("pair__cohort_id", "month")
            .annotate(**sums)
            .order_by()
        ),
        batch_size=5000,
    )
    get("CohortSkillTotals").objects.bulk_create(
        (
            get("CohortSkillTotals")(cohort_id=row.pop("pair__cohort_id"), **row)
            for row in get("PairSkillTotals")
            .objects.values("pair__cohort_id", "skill_id", "way")
            .annotate(sessions=Sum("sessions"))
            .order_by()
        ),
        batch_size=5000,
    )
    steps: dict = defaultdict(lambda: ([], [], [False]))
    for pair_id, step_id, state, position in get("PairStepProgress").objects.values_list(
        "pair_id", "step_id", "state", "position"
    ):
        done, skipped, own_order = steps[pair_id]
        if state == "done":
            done.append(step_id)
        elif state == "skipped":
            skipped.append(step_id)
        own_order[0] = own_order[0] or position is not None
    Summary = get("PairPlanSummary")
    Summary.objects.bulk_create(
        (
            Summary(
                pair_id=pair_id,
                done=",".join(map(str, sorted(done))),
                skipped=",".join(map(str, sorted(skipped))),
                own_order=own_order[0],
            )
            for pair_id, (done, skipped, own_order) in steps.items()
        ),
        batch_size=5000,
    )


def forget(apps, schema_editor) -> None:
    for name in (
        "CohortSessionTotals",
        "CohortMonthTotals",
        "CohortSkillTotals",
        "PairPlanSummary",
    ):
        apps.get_model("sessions_log", name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("sessions_log", "0018_cohort_rollups_and_plan_summaries")]

    operations = [migrations.RunPython(backfill, forget)]
