"""Pairing runs: snapshot the parameters, compute in a Celery task, store the proposals."""

from __future__ import annotations

import json
import logging
import time
from datetime import timedelta

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from mentoring.models import Cohort
from pairing import engine
from pairing.models import PairingRun, Proposal
from pairing.services.inputs import (
    engine_rules,
    flows_for_display,
    load_people,
    rules_snapshot,
    skill_names,
    weights_from,
)

log = logging.getLogger(__name__)

# Write progress at most this often: the board polls about once a second.
_PROGRESS_EVERY_SECONDS = 0.4
STALE_AFTER = timedelta(minutes=15)


class PairingRefused(ValueError):
    """A run that cannot start; the message is for the person who asked."""


def _snapshot_from(cohort: Cohort, overrides: dict | None) -> tuple[dict, dict]:
    weights = dict(cohort.weights)
    rules = rules_snapshot(cohort)
    for name, value in (overrides or {}).items():
        if name in weights:
            weights[name] = int(value)
        elif name in (
            "min_grade_gap",
            "must_differ_department",
            "max_timezone_diff_hours",
            "avoid_previous_partners",
        ):
            rules[name] = value
    return weights, rules


@transaction.atomic
def start_run(*, cohort: Cohort, by=None, overrides: dict | None = None) -> PairingRun:
    """Record a run with the cohort's weights, rules, locks and excludes as they are now, and
    queue the computation once this transaction commits. Nothing is solved here."""
    if cohort.status == Cohort.Status.CLOSED:
        raise PairingRefused("This cohort is closed; its pairs can no longer change.")
    weights, rules = _snapshot_from(cohort, overrides)
    run = PairingRun.objects.create(cohort=cohort, created_by=by, weights=weights, rules=rules)
    from pairing.tasks import run_pairing

    transaction.on_commit(lambda: run_pairing.delay(run.pk))
    return run


def compute_run(*, cohort: Cohort, by=None, overrides: dict | None = None) -> PairingRun:
    """A run computed here and now (the `pair_cohort` command, the demo); still a draft."""
    weights, rules = _snapshot_from(cohort, overrides)
    run = PairingRun.objects.create(cohort=cohort, created_by=by, weights=weights, rules=rules)
    return execute_run(run=run)


def execute_run(*, run: PairingRun) -> PairingRun:
    """Solve the run's cohort with its snapshot and store the proposals. Safe to repeat: a run
    that already finished is returned as it is."""
    # A run left "running" by a worker that died is taken over once it is clearly stale
    # (the broker redelivers the task); a live run is never computed twice.
    stale = timezone.now() - STALE_AFTER
    claimed = (
        PairingRun.objects.filter(pk=run.pk)
        .filter(
            Q(status=PairingRun.Status.QUEUED)
            | Q(status=PairingRun.Status.RUNNING, started_at__lt=stale)
        )
        .update(
            status=PairingRun.Status.RUNNING,
            started_at=timezone.now(),
            progress=0.0,
            progress_label="loading people",
        )
    )
    run.refresh_from_db()
    if not claimed:
        return run
    started = time.perf_counter()
    try:
        _compute(run, started)
    except Exception as exc:  # the run row must say it failed; the worker logs the trace
        log.exception("pairing run %s failed", run.pk)
        PairingRun.objects.filter(pk=run.pk).update(
            status=PairingRun.Status.FAILED,
            finished_at=timezone.now(),
            duration_seconds=time.perf_counter() - started,
            error=f"{type(exc).__name__}: {exc}"[:500],
            progress_label="failed",
        )
        run.refresh_from_db()
    return run


def _compute(run: PairingRun, started: float) -> None:
    people = load_people(run.cohort, at=timezone.now())
    rules = engine_rules(run.rules, people)
    weights = weights_from(run.weights)
    last_write = [0.0]

    def progress(fraction: float, label: str) -> None:
        now = time.perf_counter()
        if now - last_write[0] < _PROGRESS_EVERY_SECONDS and fraction < 1:
            return
        last_write[0] = now
        # Scale into 5–90%: loading comes before the engine, saving after it.
        PairingRun.objects.filter(pk=run.pk).update(
            progress=0.05 + 0.85 * max(0.0, min(1.0, fraction)), progress_label=label[:60]
        )

    result = engine.solve(
        people.juniors, people.seniors, weights=weights, rules=rules, progress=progress
    )
    PairingRun.objects.filter(pk=run.pk).update(progress=0.92, progress_label="saving")
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
        rows.append(proposal_row(run, proposal, names, warnings=warnings))
    with transaction.atomic():
        insert_proposals(rows)
        unmatched = {
            str(u.person_id): {"side": u.side, "free_slots": u.free_slots, "reason": u.reason}
            for u in (*result.unmatched_juniors, *result.unmatched_seniors)
        }
        PairingRun.objects.filter(pk=run.pk).update(
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
    run.refresh_from_db()


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
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
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
