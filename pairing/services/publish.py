"""Publishing a run: the proposals become Pairs, each person is emailed once."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from mentoring.audit.services import record
from mentoring.models import Cohort, Enrolment
from pairing.emails import PUBLISHED_KIND
from pairing.models import Pair, PairingRun, Proposal
from sessions_log import outbox


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
        from pairing.services.board import BoardConflict

        raise BoardConflict(run)
    if run.status != PairingRun.Status.DONE:
        raise PublishRefused("Only a finished run can be published.")
    if cohort.status == Cohort.Status.CLOSED:
        raise PublishRefused("This cohort is closed.")
    if Pair.objects.filter(cohort=cohort, status=Pair.Status.ACTIVE).exists():
        raise PublishRefused(
            "This cohort already has published pairs. End them, or handle "
            "changes through re-match requests."
        )
    # Someone who withdrew after the run was computed is not paired behind their back.
    proposals = list(
        Proposal.objects.filter(
            run=run, junior__status=Enrolment.Status.ACTIVE, senior__status=Enrolment.Status.ACTIVE
        ).order_by("-score", "pk")
    )
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
    run.published_at, run.published_by = now, by
    run.save(update_fields=["published_at", "published_by"])
    if cohort.status != Cohort.Status.ACTIVE:
        cohort.status = Cohort.Status.ACTIVE
        cohort.save(update_fields=["status"])
    if notify:
        _schedule_emails(cohort, run, now)
    record(actor=by, action="pairs.published", target=f"run {run.pk}", pairs=len(proposals))
    if pairs and pairs[0].pk is None:  # backends that do not return ids from bulk_create
        pairs = list(Pair.objects.filter(run=run).order_by("-score", "pk"))
    return pairs


def _schedule_emails(cohort: Cohort, run: PairingRun, now) -> None:
    """One "meet your partner" row per person, however many partners they have."""
    proposals = Proposal.objects.filter(
        run=run, junior__status=Enrolment.Status.ACTIVE, senior__status=Enrolment.Status.ACTIVE
    )
    user_ids = (
        Enrolment.objects.filter(cohort=cohort)
        .filter(Q(pk__in=proposals.values("junior_id")) | Q(pk__in=proposals.values("senior_id")))
        .values_list("user_id", flat=True)
        .distinct()
    )
    outbox.schedule_many(
        outbox.Planned(
            recipient_id=user_id,
            kind=PUBLISHED_KIND,
            due_at=now,
            dedupe_key=f"published:{cohort.pk}:{user_id}",
            payload={"cohort_id": cohort.pk},
        )
        for user_id in user_ids
    )


def notify_partner(*, cohort: Cohort, user, due_at, dedupe_key: str) -> None:
    """One "meet your partner" email; the builder reads the person's pairs when it sends."""
    outbox.schedule(
        recipient=user,
        kind=PUBLISHED_KIND,
        due_at=due_at,
        dedupe_key=dedupe_key,
        payload={"cohort_id": cohort.pk},
    )
