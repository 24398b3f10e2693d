"""Pairing runs: snapshot the parameters, compute in a Celery task, store the proposals."""

from __future__ import annotations

import json
import logging
import threading
import time
from datetime import datetime, timedelta
from typing import cast

from django.conf import settings
from django.db import connection, connections, transaction
from django.db.models import F, Q
from django.utils import timezone

from mentoring.models import Cohort
from pairing import (
    engine,
    tasks,  # the module: tasks imports the services too
)
from pairing.models import PairingRun, Proposal
from pairing.services.inputs import (
    CohortSize,
    attributed_breaks,
    cohort_size,
    engine_rules,
    flows_for_display,
    has_published_pairs,
    load_for_run,
    people_size,
    rules_snapshot,
    skill_names,
    weights_from,
)

log = logging.getLogger(__name__)

# Write progress at most this often: the board polls about once a second.
_PROGRESS_EVERY_SECONDS = 0.4

WORKER_DIED = (
    "The worker computing this run stopped answering (it may have run out of memory or been "
    "restarted). Retry the run; if it fails again, split the cohort."
)
NEVER_STARTED = (
    "No pairing worker took this run up. Check that a worker serves the pairing queue "
    "(README, Production), then retry."
)


class PairingRefused(ValueError):
    """A run that cannot start; the message is for the person who asked."""


def refuse_if_too_big(size: CohortSize) -> None:
    """Refuse, before anything is solved, a cohort whose matrix the engine cannot hold: a run
    that dies of memory takes its worker with it."""
    message = size.refusal(settings.PAIRING_MAX_CELLS)
    if message:
        raise PairingRefused(message)


def _snapshot_from(cohort: Cohort, overrides: dict | None) -> tuple[dict, dict]:
    weights = dict(cohort.weights)
    rules = rules_snapshot(cohort)
    for name, value in (overrides or {}).items():
        if name in weights:
            weights[name] = int(value)
        elif name in ("min_grade_gap", "must_differ_department", "max_timezone_diff_hours"):
            rules[name] = value
    return weights, rules


DRAFT_REFUSAL = (
    "This cohort is still a draft: invite its people first (the cohort page moves it to "
    "enrolling), then pair them once their profiles are ready."
)


def refuse_unless_pairable(cohort: Cohort) -> None:
    if cohort.status == Cohort.Status.CLOSED:
        raise PairingRefused("This cohort is closed; its pairs can no longer change.")
    if cohort.status == Cohort.Status.DRAFT:
        raise PairingRefused(DRAFT_REFUSAL)


def _new_run(cohort: Cohort, by, overrides: dict | None, **fields) -> PairingRun:
    """A numbered run (Run 1, Run 2 … per cohort), a top-up when pairs are published."""
    Cohort.objects.select_for_update().filter(pk=cohort.pk).first()  # numbers one at a time
    weights, rules = _snapshot_from(cohort, overrides)
    last = (
        PairingRun.objects.filter(cohort=cohort)
        .order_by("-number")
        .values_list("number", flat=True)
    ).first()
    return PairingRun.objects.create(
        cohort=cohort,
        created_by=by,
        weights=weights,
        rules=rules,
        number=(last or 0) + 1,
        top_up=has_published_pairs(cohort),
        **fields,
    )


@transaction.atomic
def start_run(*, cohort: Cohort, by=None, overrides: dict | None = None) -> PairingRun:
    """Record a run with the cohort's weights, rules, locks and excludes as they are now, and
    queue the computation once this transaction commits. Nothing is solved here. On a cohort
    with published pairs it is a top-up run (DESIGN.md "Pairing score")."""
    refuse_unless_pairable(cohort)
    refuse_if_too_big(cohort_size(cohort))
    run = _new_run(cohort, by, overrides, queued_at=timezone.now())
    transaction.on_commit(lambda: tasks.run_pairing.delay(run.pk))
    return run


def compute_run(*, cohort: Cohort, by=None, overrides: dict | None = None) -> PairingRun:
    """A run computed here and now (the `pair_cohort` command, the demo); still a draft."""
    refuse_unless_pairable(cohort)
    refuse_if_too_big(cohort_size(cohort))
    with transaction.atomic():
        run = _new_run(cohort, by, overrides)
    return execute_run(run=run)


def execute_run(*, run: PairingRun) -> PairingRun:
    """Solve the run's cohort with its snapshot and store the proposals. Safe to repeat: only a
    queued run is taken, so a redelivered task finds it taken and returns it as it is. A run
    whose worker died is not taken over here: `fail_dead_runs` marks it failed and HR retries."""
    now = timezone.now()
    claimed = PairingRun.objects.filter(pk=run.pk, status=PairingRun.Status.QUEUED).update(
        status=PairingRun.Status.RUNNING,
        started_at=now,
        heartbeat_at=now,
        attempts=F("attempts") + 1,
        progress=0.0,
        progress_label="loading people",
    )
    run.refresh_from_db()
    if not claimed:
        return run
    attempt = run.attempts
    started = time.perf_counter()
    try:
        with _Heartbeat(run.pk, attempt):
            _compute(run, attempt, started)
    except MemoryError:
        # Whatever the engine held is gone by now, so there is memory to say so.
        log.exception("pairing run %s ran out of memory", run.pk)
        _fail(
            run,
            attempt,
            started,
            "The pairing engine ran out of memory for this cohort. Split the cohort, or lower "
            "TWOWAY_PAIRING_MAX_CELLS so that such cohorts are refused up front.",
        )
    except PairingRefused as exc:
        _fail(run, attempt, started, str(exc))
    except Exception as exc:  # the run row must say it failed; the worker logs the trace
        log.exception("pairing run %s failed", run.pk)
        _fail(run, attempt, started, f"{type(exc).__name__}: {exc}")
    run.refresh_from_db()
    return run


def _fail(run: PairingRun, attempt: int, started: float, message: str) -> None:
    PairingRun.objects.filter(pk=run.pk, attempts=attempt).update(
        status=PairingRun.Status.FAILED,
        finished_at=timezone.now(),
        duration_seconds=time.perf_counter() - started,
        error=message[:500],
        progress_label="failed",
    )


def _beat(run_pk: int, attempt: int) -> None:
    PairingRun.objects.filter(pk=run_pk, attempts=attempt, status=PairingRun.Status.RUNNING).update(
        heartbeat_at=timezone.now()
    )


class _Heartbeat:
    """Touches the run's heartbeat from a thread of its own while the engine works, so a run
    is alive exactly as long as the process computing it. A worker killed for its memory
    stops beating, and `fail_dead_runs` sees it."""

    def __init__(self, run_pk: int, attempt: int) -> None:
        self.run_pk, self.attempt = run_pk, attempt
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._loop, name=f"run-{run_pk}-heartbeat")
        self.thread.daemon = True

    def _loop(self) -> None:
        try:
            while not self.stop.wait(settings.PAIRING_HEARTBEAT_SECONDS):
                try:
                    _beat(self.run_pk, self.attempt)
                except Exception:  # a missed beat is not worth stopping the run for
                    log.warning("pairing run %s: heartbeat not written", self.run_pk)
        finally:
            connections.close_all()  # this thread's own connection

    def __enter__(self) -> _Heartbeat:
        self.thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop.set()
        self.thread.join()


def _compute(run: PairingRun, attempt: int, started: float) -> None:
    people = load_for_run(run.cohort, top_up=run.top_up, at=timezone.now())
    # The cohort may have grown since the run was queued.
    refuse_if_too_big(people_size(people))
    rules = engine_rules(run.rules, people, preference=int(run.weights.get("preference", 0)))
    weights = weights_from(run.weights)
    last_write = [0.0]

    def progress(fraction: float, label: str) -> None:
        now = time.perf_counter()
        if now - last_write[0] < _PROGRESS_EVERY_SECONDS and fraction < 1:
            return
        last_write[0] = now
        # Scale into 5–90%: loading comes before the engine, saving after it.
        PairingRun.objects.filter(pk=run.pk, attempts=attempt).update(
            progress=0.05 + 0.85 * max(0.0, min(1.0, fraction)),
            progress_label=label[:60],
            heartbeat_at=timezone.now(),
        )

    result = engine.solve(
        people.juniors, people.seniors, weights=weights, rules=rules, progress=progress
    )
    PairingRun.objects.filter(pk=run.pk, attempts=attempt).update(
        progress=0.92, progress_label="saving"
    )
    names = skill_names(
        f.skill_id for p in result.proposals for f in (*p.reverse_flows, *p.forward_flows)
    )
    rows = []
    for proposal in result.proposals:
        warnings: list[str] = []
        if proposal.locked:  # HR's choice stands even if it breaks a rule: say which
            _, warnings = engine.evaluate(
                people.by_id[proposal.junior_id],
                people.by_id[proposal.senior_id],
                weights=weights,
                rules=rules,
            )
            warnings = attributed_breaks(
                warnings, run.rules, proposal.junior_id, proposal.senior_id
            )
        rows.append(proposal_row(run, proposal, names, warnings=warnings))
    with transaction.atomic():
        unmatched = {
            str(u.person_id): {"side": u.side, "free_slots": u.free_slots, "reason": u.reason}
            for u in (*result.unmatched_juniors, *result.unmatched_seniors)
        }
        # Only the attempt that still owns the run may finish it: one marked dead meanwhile
        # (and perhaps retried) leaves no proposals behind.
        finished = PairingRun.objects.filter(
            pk=run.pk, attempts=attempt, status=PairingRun.Status.RUNNING
        ).update(
            status=PairingRun.Status.DONE,
            progress=1.0,
            progress_label="done",
            total_score=result.total_score,
            pairs_count=len(result.proposals),
            juniors_count=len(people.juniors),
            seniors_count=len(people.seniors),
            unmatched=unmatched,
            finished_at=timezone.now(),
            duration_seconds=time.perf_counter() - started,
        )
        if finished:
            insert_proposals(rows)
    run.refresh_from_db()


def fail_dead_runs(*, now: datetime | None = None) -> int:
    """Mark failed every run whose worker has gone silent, and every run no worker took up in
    time, so no run says "running" forever. Beat calls this every minute."""
    now = now or timezone.now()
    silent_since = now - timedelta(seconds=settings.PAIRING_DEAD_AFTER_SECONDS)
    waiting_since = now - timedelta(seconds=settings.PAIRING_QUEUED_TIMEOUT_SECONDS)
    failed = dict(status=PairingRun.Status.FAILED, finished_at=now, progress_label="failed")
    dead = PairingRun.objects.filter(status=PairingRun.Status.RUNNING).filter(
        Q(heartbeat_at__lt=silent_since) | Q(heartbeat_at__isnull=True, started_at__lt=silent_since)
    )
    count = dead.update(error=WORKER_DIED, **failed)
    stuck = PairingRun.objects.filter(status=PairingRun.Status.QUEUED).filter(
        Q(queued_at__lt=waiting_since) | Q(queued_at__isnull=True, created_at__lt=waiting_since)
    )
    count += stuck.update(error=NEVER_STARTED, **failed)
    if count:
        log.warning("marked %s pairing run(s) failed: worker gone or never started", count)
    return count


def retry_run(*, run: PairingRun, by=None) -> bool:
    """Queue a failed run again with the snapshot it started with. Idempotent: only a failed
    run goes back to the queue, so a double click or a second tab queues it once. Returns
    whether this call queued it."""
    refuse_unless_pairable(run.cohort)
    refuse_if_too_big(cohort_size(run.cohort))
    with transaction.atomic():
        queued = PairingRun.objects.filter(
            pk=run.pk, status=PairingRun.Status.FAILED, published_at__isnull=True
        ).update(
            status=PairingRun.Status.QUEUED,
            queued_at=timezone.now(),
            started_at=None,
            heartbeat_at=None,
            finished_at=None,
            duration_seconds=None,
            progress=0.0,
            progress_label="",
            error="",
        )
        if queued:
            transaction.on_commit(lambda: tasks.run_pairing.delay(run.pk))
    if queued:
        log.info("pairing run %s queued again by %s", run.pk, getattr(by, "pk", None))
    run.refresh_from_db()
    return bool(queued)


def proposal_row(
    run: PairingRun,
    proposal: engine.Proposal,
    names: dict[int, str],
    *,
    warnings: list[str] | None = None,
    by_hand: bool = False,
) -> Proposal:
    return Proposal(
        run=run,
        junior_id=proposal.junior_id,
        senior_id=proposal.senior_id,
        score=proposal.score,
        reverse=proposal.reverse,
        forward=proposal.forward,
        breakdown=[[name, points] for name, points in proposal.breakdown],
        reverse_flows=flows_for_display(proposal.reverse_flows, names),
        forward_flows=flows_for_display(proposal.forward_flows, names),
        warnings=list(warnings or []),
        locked=proposal.locked,
        by_hand=by_hand,
    )


def insert_proposals(rows: list[Proposal]) -> None:
    """bulk_create without the ORM's per-value SQL compilation, which at a few thousand
    proposals cost more than the engine's scoring (bench/pair_cohort.py holds the budget).
    PostgreSQL gets COPY, everything else one executemany."""
    if not rows:
        return
    fields = [f for f in Proposal._meta.concrete_fields if not f.primary_key]
    table = connection.ops.quote_name(Proposal._meta.db_table)
    # A concrete field always has a column; the stubs allow None for the others.
    columns = ", ".join(connection.ops.quote_name(cast(str, f.column)) for f in fields)
    json_fields = {f.attname for f in fields if f.get_internal_type() == "JSONField"}

    if connection.vendor == "postgresql":
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(
                    [
                        json.dumps(getattr(row, f.attname))
                        if f.attname in json_fields
                        else getattr(row, f.attname)
                        for f in fields
                    ]
                )
        return
    values = [
        [
            json.dumps(getattr(row, f.attname))
            if f.attname in json_fields
            else getattr(row, f.attname)
            for f in fields
        ]
        for row in rows
    ]
    marks = ", ".join(["%s"] * len(fields))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", values)  # noqa: S608
