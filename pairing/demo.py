"""Demo pairs for `seed_demo`: the demo cohorts are paired by the engine and published, and the
demo junior and senior are locked together first so they are always a published pair. A large
demo has several groups of cohorts (mentoring/demo/organisation.py), each paired on its own."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from mentoring.demo import HR_EMAIL, JUNIOR_EMAIL, SENIOR_EMAIL, DemoOrganisation
from mentoring.models import Cohort, Enrolment
from pairing.models import Pair, Proposal, Rule
from pairing.services import compute_run, pair_publish


def seed_pairs(org: DemoOrganisation) -> None:
    hr_id = org.emails.get(HR_EMAIL)
    for past in org.past_cohorts:
        _seed_past(past, hr_id)
    for group, current in enumerate(org.current_cohorts):
        _seed_current(current, hr_id, with_demo_pair=group == 0)


def _seed_past(cohort: Cohort, hr_id: int | None) -> None:
    """The closed first cohort: its pairs ran their course (and are not paired again now).
    It is paired while still active and closed afterwards, the order HR follows; closing keeps
    the keyed hashes of its pairs (never again)."""
    if Pair.objects.filter(cohort=cohort).exists():
        _close(cohort)
        return
    if cohort.status == Cohort.Status.CLOSED:
        # A database seeded before the cohort was paired while active: reopen it for seeding
        # only (no signal, nothing to remember yet: it has no pairs).
        Cohort.objects.filter(pk=cohort.pk).update(status=Cohort.Status.ACTIVE)
        cohort.status = Cohort.Status.ACTIVE
    run = compute_run(cohort=cohort)
    ended_at = timezone.now()
    with transaction.atomic():
        Pair.objects.bulk_create(
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
                    status=Pair.Status.ENDED,
                    published_at=ended_at,
                    ended_at=ended_at,
                    end_reason="Cohort closed",
                )
                for p in Proposal.objects.filter(run=run)
            ],
            batch_size=2000,
        )
        run.published_at, run.published_by_id = ended_at, hr_id
        run.save(update_fields=["published_at", "published_by"])
        _close(cohort)


def _close(cohort: Cohort) -> None:
    if cohort.status != Cohort.Status.CLOSED:
        cohort.move_to(Cohort.Status.CLOSED)


def _seed_current(cohort: Cohort, hr_id: int | None, *, with_demo_pair: bool) -> None:
    if Pair.objects.filter(cohort=cohort).exists():
        return
    if with_demo_pair:
        junior = Enrolment.objects.get(cohort=cohort, user__email=JUNIOR_EMAIL)
        senior = Enrolment.objects.get(cohort=cohort, user__email=SENIOR_EMAIL)
        Rule.objects.update_or_create(
            cohort=cohort,
            junior=junior,
            senior=senior,
            defaults={"kind": Rule.Kind.LOCK, "created_by_id": hr_id},
        )
    run = compute_run(cohort=cohort)
    # Demo people are not emailed: the outbox would otherwise owe thousands of messages.
    pair_publish(run=run, by=None, notify=False)
    if hr_id:
        type(run).objects.filter(pk=run.pk).update(published_by_id=hr_id, created_by_id=hr_id)
