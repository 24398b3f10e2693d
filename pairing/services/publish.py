"""Publishing a run: the proposals become Pairs, each person is emailed once."""

from __future__ import annotations

from collections import Counter

from django.db import transaction
from django.utils import timezone

from mentoring import outbox
from mentoring.audit.services import record
from mentoring.models import Cohort, Enrolment
from mentoring.services.programmes import CohortMoveRefused, cohort_move
from pairing.emails import PUBLISHED_KIND
from pairing.models import Pair, PairingRun, Proposal
from pairing.services.board import BoardConflict
from pairing.signals import pairs_changed


class PublishRefused(ValueError):
    """A run that cannot be published; the message is for the person who asked."""


@transaction.atomic
def pair_publish(
    *, run: PairingRun, by, version: int | None = None, notify: bool = True
) -> list[Pair]:
    """Create the run's Pairs in one transaction and schedule one email per person.

    Publishing the same run again changes nothing and returns its pairs. ``version`` (the
    board version the publisher saw) is checked when given."""
    run = PairingRun.objects.select_for_update().select_related("cohort").get(pk=run.pk)
    cohort = Cohort.objects.select_for_update().get(pk=run.cohort_id)
    if run.published_at is not None:
        return list(Pair.objects.filter(run=run).order_by("-score", "pk"))
    if version is not None and int(version) != run.version:
        raise BoardConflict(run)
    if run.status != PairingRun.Status.DONE:
        raise PublishRefused("Only a finished run can be published.")
    if cohort.status == Cohort.Status.CLOSED:
        raise PublishRefused("This cohort is closed.")
    if cohort.status == Cohort.Status.DRAFT:
        raise PublishRefused("This cohort is still a draft; invite its people first.")
    if Pair.objects.filter(cohort=cohort, created_at__gt=run.created_at).exists():
        raise PublishRefused(
            "Pairs were published in this cohort after this run was computed, so its "
            "proposals may no longer fit. Run pairing again: the new run pairs only the "
            "people who are still free."
        )
    proposals = publishable(run)
    if not proposals:
        raise PublishRefused("This run has no pairs to publish.")
    now = timezone.now()
    pairs = Pair.objects.bulk_create(
        [
            Pair(
                cohort=cohort,
                junior_id=p.junior_id,
                senior_id=p.senior_id,
                run=run,
                score=p.score,
                reverse=p.reverse,
                forward=p.forward,
                explanation=p.explanation(),
                published_at=now,
            )
            for p in proposals
        ],
        batch_size=2000,
    )
    # bulk_create sends no post_save; its ids are known where the database returns them.
    ids = [pair.pk for pair in pairs]
    pairs_changed.send(sender=Pair, pairs=None if None in ids else ids)
    run.published_at, run.published_by = now, by
    run.save(update_fields=["published_at", "published_by"])
    # Through the core's service, so its checks hold here too; a cohort still enrolling steps
    # through pairing on the way.
    for step in (Cohort.Status.PAIRING, Cohort.Status.ACTIVE):
        if cohort.can_move_to(step):
            try:
                cohort = cohort_move(cohort=cohort, status=step)
            except CohortMoveRefused as refused:
                raise PublishRefused(str(refused)) from None
    if notify:
        _schedule_emails(cohort, run, now, people_in(proposals))
    record(
        actor=by,
        action="pairs.published",
        target=f"run {run.pk}",
        pairs=len(proposals),
        top_up=run.top_up,
    )
    if pairs and pairs[0].pk is None:  # backends that do not return ids from bulk_create
        pairs = list(Pair.objects.filter(run=run).order_by("-score", "pk"))
    return pairs


def publishable(run: PairingRun) -> list[Proposal]:
    """The run's proposals that would become pairs now: both people still active, the pair not
    active already, and neither person over capacity with the pairs they have (a top-up's
    fixed pairs, a re-match made meanwhile)."""
    proposals = list(
        Proposal.objects.filter(
            run=run, junior__status=Enrolment.Status.ACTIVE, senior__status=Enrolment.Status.ACTIVE
        )
        .select_related("junior__user__profile", "senior__user__profile")
        .order_by("-locked", "-score", "pk")
    )
    active = Pair.objects.filter(cohort_id=run.cohort_id, status=Pair.Status.ACTIVE)
    existing = set(active.values_list("junior_id", "senior_id"))
    used: Counter[int] = Counter()
    for junior, senior in existing:
        used[junior] += 1
        used[senior] += 1
    kept = []
    for proposal in proposals:
        key = (proposal.junior_id, proposal.senior_id)
        if key in existing:
            continue
        if (
            used[proposal.junior_id] >= proposal.junior.capacity
            or used[proposal.senior_id] >= proposal.senior.capacity
        ):
            continue
        used[proposal.junior_id] += 1
        used[proposal.senior_id] += 1
        existing.add(key)
        kept.append(proposal)
    kept.sort(key=lambda p: (-p.score, p.pk))
    return kept


def people_in(proposals: list[Proposal]) -> list[Enrolment]:
    """Everyone a publication would email, once each, by name."""
    seen: dict[int, Enrolment] = {}
    for proposal in proposals:
        for enrolment in (proposal.junior, proposal.senior):
            seen.setdefault(enrolment.pk, enrolment)
    return sorted(seen.values(), key=lambda e: (e.user.full_name.casefold(), e.pk))


def _schedule_emails(cohort: Cohort, run: PairingRun, now, people: list[Enrolment]) -> None:
    """One "meet your partner" row per person of this run's new pairs, however many partners
    they gain; people whose pairs stay as they are hear nothing."""
    outbox.schedule_many(
        outbox.Planned(
            recipient_id=enrolment.user_id,
            kind=PUBLISHED_KIND,
            due_at=now,
            dedupe_key=f"published:{cohort.pk}:{run.pk}:{enrolment.user_id}",
            payload={"cohort_id": cohort.pk, "run_id": run.pk},
        )
        for enrolment in people
    )
