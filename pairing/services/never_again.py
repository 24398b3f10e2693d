"""Never again (DESIGN.md "Pairing score"): an ended pair, or partners of an earlier cohort,
are never proposed again. Each such pair is kept as a keyed hash in the core's past-pair store
as soon as it ends or its cohort closes, so the rule outlives erasure and the retention purge."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from mentoring.audit.services import record
from mentoring.models import Cohort, Enrolment
from mentoring.privacy.services import remember_past_pairs
from pairing.models import Pair
from pairing.signals import pairs_changed

ERASED_SUFFIX = "@erased.invalid"  # an erased person's pairs were hashed when they were erased


def remember_pairs(pairs: QuerySet[Pair]) -> int:
    """Store the keyed hash of each published pair (once: the digest is unique)."""
    return remember_past_pairs(
        (junior, senior, closed_at.date() if closed_at else None)
        for junior, senior, closed_at in pairs.filter(published_at__isnull=False)
        .exclude(junior__user__email__endswith=ERASED_SUFFIX)
        .exclude(senior__user__email__endswith=ERASED_SUFFIX)
        .values_list("junior__user__email", "senior__user__email", "cohort__closed_at")
    )


@transaction.atomic
def end_pair(*, pair: Pair, reason: str, by=None) -> bool:
    """End an active pair and remember it so the two are never proposed together again; both
    people are free for the next top-up run. Returns False if it had ended already."""
    ended = Pair.objects.filter(pk=pair.pk, status=Pair.Status.ACTIVE).update(
        status=Pair.Status.ENDED, ended_at=timezone.now(), end_reason=(reason or "")[:200]
    )
    pair.refresh_from_db(fields=["status", "ended_at", "end_reason"])
    if not ended:
        return False
    pairs_changed.send(sender=Pair, pairs=[pair.pk])
    remember_pairs(Pair.objects.filter(pk=pair.pk))
    if by is not None:
        record(actor=by, action="pair.ended", target=f"pair {pair.pk}")
    return True


def end_pairs_of(enrolment: Enrolment, *, reason: str) -> list[str]:
    """A withdrawal: end the person's active pairs; their partners are free again. Notes for
    HR name each partner who now waits for a new one."""
    notes = []
    pairs = Pair.objects.filter(
        Q(junior=enrolment) | Q(senior=enrolment), status=Pair.Status.ACTIVE
    ).select_related("junior__user__profile", "senior__user__profile")
    for pair in pairs:
        partner = pair.senior if pair.junior_id == enrolment.pk else pair.junior
        if end_pair(pair=pair, reason=reason):
            name = partner.user.full_name
            notes.append(
                f"Their pair with {name} has ended; {name} needs a new partner: the next "
                "top-up run can pair them."
            )
    return notes


def remember_closed_cohort(cohort: Cohort) -> int:
    """Every published pair of a closed cohort, ended or not, is a past pair from now on."""
    return remember_pairs(Pair.objects.filter(cohort=cohort))


def forbidden_by_rows(
    cohort: Cohort, juniors: Iterable[tuple[int, int]], seniors: Iterable[tuple[int, int]]
) -> set[tuple[int, int]]:
    """(junior id, senior id) that must not be proposed, from the Pair rows still held: the
    cohort's ended pairs, and pairs of any other cohort between the same two people (either
    side). ``juniors`` / ``seniors`` are (enrolment id, user id) of the people considered."""
    junior_of_user = dict((user_id, pk) for pk, user_id in juniors)
    senior_of_user = dict((user_id, pk) for pk, user_id in seniors)
    if not junior_of_user or not senior_of_user:
        return set()
    found: set[tuple[int, int]] = set(
        Pair.objects.filter(cohort=cohort, status=Pair.Status.ENDED).values_list(
            "junior_id", "senior_id"
        )
    )
    # A subquery, not a list of ids: a 20,000-person cohort would pass SQLite's variable limit.
    members = Enrolment.objects.filter(cohort=cohort).values("user_id")
    earlier = (
        Pair.objects.filter(published_at__isnull=False)
        .exclude(cohort=cohort)
        .filter(junior__user_id__in=members, senior__user_id__in=members)
        .values_list("junior__user_id", "senior__user_id")
    )
    for first, second in earlier:
        for a, b in ((first, second), (second, first)):
            if a in junior_of_user and b in senior_of_user:
                found.add((junior_of_user[a], senior_of_user[b]))
    return found
