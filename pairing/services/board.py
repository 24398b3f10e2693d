"""Edits HR makes on a run's board. Every edit checks the version the editor saw: a board
changed by someone else in the meantime refuses the edit and changes nothing."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count, Sum

from mentoring.models import Enrolment
from pairing import engine
from pairing.models import Pair, PairingRun, Proposal, Rule
from pairing.services.inputs import (
    attributed_breaks,
    engine_rules,
    load_people,
    skill_names,
    weights_from,
)
from pairing.services.runs import proposal_row


class BoardError(ValueError):
    """An edit that cannot be made; the message is for the person who tried it."""


class BoardConflict(Exception):
    """The board changed since the editor loaded it."""

    def __init__(self, run: PairingRun) -> None:
        super().__init__("This board was changed by someone else since you opened it.")
        self.run = run


def _claim(run: PairingRun, version: int | None) -> PairingRun:
    current = PairingRun.objects.select_for_update().select_related("cohort").get(pk=run.pk)
    if version is None or int(version) != current.version:
        raise BoardConflict(current)
    if current.published_at is not None:
        raise BoardError("This run is published; its pairs can no longer change here.")
    if current.status != PairingRun.Status.DONE:
        raise BoardError("This run has not finished computing yet.")
    return current


def _proposal(run: PairingRun, proposal_id) -> Proposal:
    try:
        return Proposal.objects.get(run=run, pk=int(proposal_id))
    except (Proposal.DoesNotExist, TypeError, ValueError):
        raise BoardError("That pair is no longer on this board.") from None


def _saved(run: PairingRun) -> PairingRun:
    totals = Proposal.objects.filter(run=run).aggregate(score=Sum("score"), pairs=Count("pk"))
    run.total_score = totals["score"] or 0
    run.pairs_count = totals["pairs"]
    run.version += 1
    run.save(update_fields=["total_score", "pairs_count", "version"])
    return run


def _evaluated(run: PairingRun, junior_id: int, senior_id: int) -> Proposal:
    """A proposal row for any junior–senior pair of the run's cohort, scored by the engine
    with the run's weights and rules, carrying the rules it breaks as warnings."""
    people = load_people(run.cohort, enrolment_ids=[junior_id, senior_id])
    junior = next((p for p in people.juniors if p.id == junior_id), None)
    senior = next((p for p in people.seniors if p.id == senior_id), None)
    if junior is None or senior is None:
        raise BoardError("Pick one active junior and one active senior of this cohort.")
    snapshot = dict(run.rules)
    snapshot["excluded"] = list(
        Rule.objects.filter(cohort=run.cohort, kind=Rule.Kind.EXCLUDE)
        .filter(junior_id=junior_id, senior_id=senior_id)
        .values_list("junior_id", "senior_id")
    )
    rules = engine_rules(snapshot, people, preference=int(run.weights.get("preference", 0)))
    proposal, breaks = engine.evaluate(
        junior, senior, weights=weights_from(run.weights), rules=rules
    )
    breaks = attributed_breaks(breaks, snapshot, junior_id, senior_id)
    names = skill_names(f.skill_id for f in (*proposal.reverse_flows, *proposal.forward_flows))
    return proposal_row(run, proposal, names, warnings=breaks, by_hand=True)


def _free_slots(run: PairingRun, enrolment_id: int, *, side: str) -> int:
    capacity = (
        Enrolment.objects.filter(
            pk=enrolment_id, cohort=run.cohort_id, status=Enrolment.Status.ACTIVE
        )
        .values_list("capacity", flat=True)
        .first()
    )
    if capacity is None:
        return 0
    used = Proposal.objects.filter(run=run, **{f"{side}_id": enrolment_id}).count()
    if run.top_up:  # the active pairs a top-up works around use places too
        used += Pair.objects.filter(
            cohort_id=run.cohort_id, status=Pair.Status.ACTIVE, **{f"{side}_id": enrolment_id}
        ).count()
    return capacity - used


@transaction.atomic
def lock_proposal(*, run: PairingRun, proposal_id, version, by) -> Proposal:
    run = _claim(run, version)
    proposal = _proposal(run, proposal_id)
    Rule.objects.update_or_create(
        cohort=run.cohort,
        junior_id=proposal.junior_id,
        senior_id=proposal.senior_id,
        defaults={"kind": Rule.Kind.LOCK, "created_by": by},
    )
    proposal.locked = True
    proposal.save(update_fields=["locked"])
    _saved(run)
    return proposal


@transaction.atomic
def unlock_proposal(*, run: PairingRun, proposal_id, version, by) -> Proposal:
    run = _claim(run, version)
    proposal = _proposal(run, proposal_id)
    Rule.objects.filter(
        cohort=run.cohort,
        junior_id=proposal.junior_id,
        senior_id=proposal.senior_id,
        kind=Rule.Kind.LOCK,
    ).delete()
    proposal.locked = False
    proposal.save(update_fields=["locked"])
    _saved(run)
    return proposal


@transaction.atomic
def exclude_proposal(*, run: PairingRun, proposal_id, version, by) -> Rule:
    """Take the pair off the board and never propose it again in this cohort."""
    run = _claim(run, version)
    proposal = _proposal(run, proposal_id)
    if proposal.locked:
        raise BoardError("That pair is locked: unlock it before excluding it.")
    rule, _ = Rule.objects.update_or_create(
        cohort=run.cohort,
        junior_id=proposal.junior_id,
        senior_id=proposal.senior_id,
        defaults={"kind": Rule.Kind.EXCLUDE, "created_by": by},
    )
    proposal.delete()
    _saved(run)
    return rule


@transaction.atomic
def unpair_proposal(*, run: PairingRun, proposal_id, version, by) -> None:
    """Take the pair off this board only (both people become free to pair by hand)."""
    run = _claim(run, version)
    proposal = _proposal(run, proposal_id)
    if proposal.locked:
        raise BoardError("That pair is locked: unlock it before taking it off the board.")
    proposal.delete()
    _saved(run)


@transaction.atomic
def swap_partners(
    *, run: PairingRun, first_id, second_id, version, by
) -> tuple[Proposal, Proposal]:
    """Juniors of two pairs trade seniors; both new pairs are scored by the engine."""
    run = _claim(run, version)
    first, second = _proposal(run, first_id), _proposal(run, second_id)
    if first.pk == second.pk:
        raise BoardError("Pick two different pairs to swap.")
    if first.locked or second.locked:
        raise BoardError("A locked pair keeps its partners: unlock it before swapping.")
    if first.junior_id == second.junior_id or first.senior_id == second.senior_id:
        raise BoardError("These two pairs share a person; swapping would change nothing.")
    taken = Proposal.objects.filter(run=run).exclude(pk__in=[first.pk, second.pk])
    if (
        taken.filter(junior_id=first.junior_id, senior_id=second.senior_id).exists()
        or taken.filter(junior_id=second.junior_id, senior_id=first.senior_id).exists()
    ):
        raise BoardError("One of the new pairs is already on the board.")
    new_first = _evaluated(run, first.junior_id, second.senior_id)
    new_second = _evaluated(run, second.junior_id, first.senior_id)
    Proposal.objects.filter(pk__in=[first.pk, second.pk]).delete()
    new_first.save()
    new_second.save()
    _saved(run)
    return new_first, new_second


@transaction.atomic
def pair_by_hand(*, run: PairingRun, junior_id, senior_id, version, by) -> Proposal:
    """Pair a junior and a senior who both have a free place on this board."""
    run = _claim(run, version)
    try:
        junior_id, senior_id = int(junior_id), int(senior_id)
    except (TypeError, ValueError):
        raise BoardError("Pick one junior and one senior without a partner.") from None
    if Proposal.objects.filter(run=run, junior_id=junior_id, senior_id=senior_id).exists():
        raise BoardError("These two are already paired on this board.")
    if (
        _free_slots(run, junior_id, side="junior") <= 0
        or _free_slots(run, senior_id, side="senior") <= 0
    ):
        raise BoardError("Both people need a free place: take one of their pairs off first.")
    proposal = _evaluated(run, junior_id, senior_id)
    proposal.save()
    _saved(run)
    return proposal
