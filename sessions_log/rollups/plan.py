"""Each pair's progress along its session plan in one row (models.PairPlanSummary), kept by the
progress rows' own signals: whenever a pair's progress row is saved or deleted (ticked, skipped,
put back, moved), the pair's summary is rewritten from its rows in the same transaction."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from sessions_log.rollups.models import PairPlanSummary

BATCH = 5_000


class _Pair:
    __slots__ = ("done", "own_order", "skipped")

    def __init__(self) -> None:
        self.done: list[int] = []
        self.skipped: list[int] = []
        self.own_order = False


def _summaries(rows: Iterable[tuple[int, int, str, int | None]]) -> list[PairPlanSummary]:
    pairs: dict[int, _Pair] = defaultdict(_Pair)
    for pair_id, step_id, state, position in rows:
        mine = pairs[pair_id]
        if state == "done":
            mine.done.append(step_id)
        elif state == "skipped":
            mine.skipped.append(step_id)
        if position is not None:
            mine.own_order = True
    return [
        PairPlanSummary(
            pair_id=pair_id,
            done=",".join(map(str, sorted(mine.done))),
            skipped=",".join(map(str, sorted(mine.skipped))),
            own_order=mine.own_order,
        )
        for pair_id, mine in pairs.items()
    ]


def step_ids(text: str | None) -> set[int]:
    """The step ids a summary's ``done`` or ``skipped`` holds."""
    return {int(pk) for pk in text.split(",")} if text else set()


def refresh(pair_ids: set[int]) -> None:
    from sessions_log.plan_models import PairStepProgress

    if not pair_ids:
        return
    with transaction.atomic():
        PairPlanSummary.objects.filter(pair_id__in=pair_ids).delete()
        PairPlanSummary.objects.bulk_create(
            _summaries(
                PairStepProgress.objects.filter(pair_id__in=pair_ids).values_list(
                    "pair_id", "step_id", "state", "position"
                )
            )
        )


def rebuild() -> None:
    from sessions_log.plan_models import PairStepProgress

    PairPlanSummary.objects.all().delete()
    rows = PairStepProgress.objects.order_by("pair_id").values_list(
        "pair_id", "step_id", "state", "position"
    )
    # A pair's rows arrive together (ordered by pair): summarise and write a batch at a time.
    batch: list[tuple[int, int, str, int | None]] = []
    for row in rows.iterator(chunk_size=BATCH):
        if len(batch) >= BATCH and row[0] != batch[-1][0]:
            PairPlanSummary.objects.bulk_create(_summaries(batch), batch_size=BATCH)
            batch = []
        batch.append(row)
    PairPlanSummary.objects.bulk_create(_summaries(batch), batch_size=BATCH)


def _progress_saved(sender, instance, raw: bool = False, **kwargs) -> None:
    if not raw:  # loaddata: the fixture's summaries come with it
        refresh({instance.pair_id})


def _progress_deleted(sender, instance, origin=None, **kwargs) -> None:
    from sessions_log.plan_models import PairStepProgress

    # With its pair, the summary goes by cascade; with its step (HR took the step out of the
    # plan), the summary may keep the step's id, which readers ignore: thousands of pairs
    # need no rewrite for that.
    by_itself = (
        isinstance(origin, PairStepProgress) or getattr(origin, "model", None) is PairStepProgress
    )
    if not by_itself:
        return
    done: set[int] = origin.__dict__.setdefault("_plan_summaries_refreshed", set())
    if instance.pair_id not in done:
        done.add(instance.pair_id)
        refresh({instance.pair_id})


post_save.connect(
    _progress_saved, sender="sessions_log.PairStepProgress", dispatch_uid="rollups-plan-save"
)
post_delete.connect(
    _progress_deleted, sender="sessions_log.PairStepProgress", dispatch_uid="rollups-plan-del"
)
