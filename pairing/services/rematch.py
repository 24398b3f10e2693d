"""No-fault re-match: a pair member asks, HR resolves (new partners from those still free)
or declines with a note."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from mentoring.audit.services import record
from mentoring.models import Enrolment
from pairing import engine
from pairing.emails import REMATCH_KIND
from pairing.models import Pair, RematchRequest, Rule
from pairing.services.inputs import (
    engine_rules,
    flows_for_display,
    load_people,
    rules_snapshot,
    skill_names,
    weights_from,
)
from pairing.services.publish import notify_partner
from sessions_log import outbox


class RematchRefused(ValueError):
    """A request or decision that cannot be made; the message is for the person."""


@transaction.atomic
def request_rematch(*, pair: Pair, by, reason: str) -> RematchRequest:
    """Open a request for a new partner. Only the pair's members may ask, and only while the
    pair is active; asking again while a request is open returns that request."""
    pair = Pair.objects.select_for_update().select_related("junior", "senior").get(pk=pair.pk)
    if not pair.involves(by):
        raise RematchRefused("Only the two people in a pair can ask for a re-match.")
    if pair.status != Pair.Status.ACTIVE:
        raise RematchRefused("This pair has already ended.")
    existing = RematchRequest.objects.filter(pair=pair, status=RematchRequest.Status.OPEN).first()
    if existing is not None:
        return existing
    return RematchRequest.objects.create(
        pair=pair, requested_by=by, reason=(reason or "").strip()[:2000]
    )


@transaction.atomic
def decline_rematch(*, request: RematchRequest, by, note: str) -> RematchRequest:
    request = _open(request)
    request.status = RematchRequest.Status.DECLINED
    request.note = (note or "").strip()[:2000]
    request.resolved_at, request.resolved_by = timezone.now(), by
    request.save(update_fields=["status", "note", "resolved_at", "resolved_by"])
    record(actor=by, action="rematch.declined", target=f"re-match request {request.pk}")
    outbox.schedule(
        recipient=request.requested_by,
        kind=REMATCH_KIND,
        due_at=timezone.now(),
        dedupe_key=f"rematch:{request.pk}:{request.requested_by_id}",
        payload={"request_id": request.pk},
    )
    return request


@transaction.atomic
def resolve_rematch(*, request: RematchRequest, by, note: str = "") -> list[Pair]:
    """End the pair and re-pair both former partners from the people still free in the
    cohort: the engine sees only free people, every other pair stays as it is. The two are
    never paired with each other again. Returns the new pairs (possibly none)."""
    request = _open(request)
    old = Pair.objects.select_for_update().select_related("cohort").get(pk=request.pair_id)
    cohort = old.cohort
    if old.status == Pair.Status.ACTIVE:
        old.end("No-fault re-match")
    Rule.objects.update_or_create(
        cohort=cohort,
        junior_id=old.junior_id,
        senior_id=old.senior_id,
        defaults={"kind": Rule.Kind.EXCLUDE, "created_by": by},
    )
    new_pairs = _pair_from_free(cohort, wanted={old.junior_id, old.senior_id})
    request.status = RematchRequest.Status.RESOLVED
    request.note = (note or "").strip()[:2000]
    request.resolved_at, request.resolved_by = timezone.now(), by
    request.save(update_fields=["status", "note", "resolved_at", "resolved_by"])
    now = timezone.now()
    former = {old.junior_id, old.senior_id}
    record(actor=by, action="rematch.resolved", target=f"re-match request {request.pk}")
    # The two former partners hear the outcome (and their new partner) in one email; a free
    # person who gains one of them as a partner gets the usual "meet your partner".
    outbox.schedule_many(
        outbox.Planned(
            recipient_id=user_id,
            kind=REMATCH_KIND,
            due_at=now,
            dedupe_key=f"rematch:{request.pk}:{user_id}",
            payload={"request_id": request.pk},
        )
        for user_id in Enrolment.objects.filter(pk__in=former).values_list("user_id", flat=True)
    )
    for pair in new_pairs:
        for enrolment in (pair.junior, pair.senior):
            if enrolment.pk not in former:
                notify_partner(
                    cohort=cohort,
                    user=enrolment.user,
                    due_at=now,
                    dedupe_key=f"rematched:{pair.pk}:{enrolment.user_id}",
                )
    return new_pairs


def _open(request: RematchRequest) -> RematchRequest:
    request = RematchRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != RematchRequest.Status.OPEN:
        raise RematchRefused(f"This request was already {request.get_status_display().lower()}.")
    return request


def _free_enrolment_ids(cohort) -> dict[int, int]:
    """Active enrolments with capacity left over their active pairs: id -> free places."""
    rows = (
        Enrolment.objects.filter(cohort=cohort, status=Enrolment.Status.ACTIVE)
        .annotate(
            as_junior=Count(
                "pairs_as_junior",
                filter=Q(pairs_as_junior__status=Pair.Status.ACTIVE),
                distinct=True,
            ),
            as_senior=Count(
                "pairs_as_senior",
                filter=Q(pairs_as_senior__status=Pair.Status.ACTIVE),
                distinct=True,
            ),
        )
        .values_list("pk", "capacity", "as_junior", "as_senior")
    )
    return {pk: capacity - a - b for pk, capacity, a, b in rows if capacity - a - b > 0}


def _pair_from_free(cohort, *, wanted: set[int]) -> list[Pair]:
    free = _free_enrolment_ids(cohort)
    people = load_people(cohort, enrolment_ids=list(free))
    # The engine sees each free person with only their free places.
    juniors = [_with_capacity(p, free[p.id]) for p in people.juniors]
    seniors = [_with_capacity(p, free[p.id]) for p in people.seniors]
    wanted_juniors = [p for p in juniors if p.id in wanted]
    wanted_seniors = [p for p in seniors if p.id in wanted]
    snapshot = rules_snapshot(cohort)
    snapshot["locked"] = []
    rules = engine_rules(snapshot, people)
    weights = weights_from(cohort.weights)
    chosen: list[engine.Proposal] = []
    used: Counter[int] = Counter()
    # Each former partner against everyone free on the other side: the best partner for
    # them among people nobody else is paired with.
    if wanted_juniors:
        found = engine.solve(wanted_juniors, seniors, weights=weights, rules=rules).proposals
        chosen += found
        used.update(p.senior_id for p in found)
    if wanted_seniors:
        juniors_left = [
            _with_capacity(p, p.capacity - used[p.id])
            for p in juniors
            if p.capacity - used[p.id] > 0
        ]
        seniors_left = [
            _with_capacity(p, p.capacity - used[p.id])
            for p in wanted_seniors
            if p.capacity - used[p.id] > 0
        ]
        if seniors_left:
            chosen += engine.solve(
                juniors_left, seniors_left, weights=weights, rules=rules
            ).proposals
    names = skill_names(f.skill_id for p in chosen for f in (*p.reverse_flows, *p.forward_flows))
    now = timezone.now()
    created = []
    for proposal in chosen:
        created.append(
            Pair.objects.create(
                cohort=cohort,
                junior_id=proposal.junior_id,
                senior_id=proposal.senior_id,
                score=proposal.score,
                reverse=proposal.reverse,
                forward=proposal.forward,
                explanation={
                    "breakdown": [list(b) for b in proposal.breakdown],
                    "reverse_flows": flows_for_display(proposal.reverse_flows, names),
                    "forward_flows": flows_for_display(proposal.forward_flows, names),
                    "warnings": [],
                },
                published_at=now,
            )
        )
    return list(
        Pair.objects.filter(pk__in=[p.pk for p in created]).select_related(
            "junior__user", "senior__user"
        )
    )


def _with_capacity(person: engine.Person, capacity: int) -> engine.Person:
    return replace(person, capacity=capacity)
