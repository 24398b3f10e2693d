"""What needs HR (reads): people waiting for a partner, open re-match requests, quiet pairs.

The cohort page, HR's home badge and the daily digest all count from here, so they agree."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from mentoring.models import Cohort, Enrolment
from pairing.models import Pair, RematchRequest

NAMES_SHOWN = 10  # a digest or a confirmation names this many people, then counts the rest


def waiting_for_partner(cohort: Cohort | None = None) -> QuerySet[Enrolment]:
    """Active people of active cohorts (pairs published) who have no active partner."""
    # One NOT EXISTS per side, not one over "junior OR senior": PostgreSQL turns each into a
    # hashed anti-join, where the OR was an index probe per person (4 ms against 18 ms for
    # the 5,000-person demo).
    active_pair = Pair.objects.filter(status=Pair.Status.ACTIVE)
    people = (
        Enrolment.objects.filter(
            status=Enrolment.Status.ACTIVE, cohort__status=Cohort.Status.ACTIVE
        )
        .exclude(Exists(active_pair.filter(junior=OuterRef("pk"))))
        .exclude(Exists(active_pair.filter(senior=OuterRef("pk"))))
    )
    if cohort is not None:
        people = people.filter(cohort=cohort)
    return people


def open_requests(cohort: Cohort | None = None) -> QuerySet[RematchRequest]:
    requests = RematchRequest.objects.filter(status=RematchRequest.Status.OPEN)
    if cohort is not None:
        requests = requests.filter(pair__cohort=cohort)
    return requests


@dataclass
class CohortAttention:
    cohort: Cohort
    waiting: int = 0
    requests: int = 0
    quiet: int = 0
    waiting_names: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.waiting + self.requests + self.quiet


def attention_count(cohort: Cohort | None = None) -> int:
    """The badge: open re-match requests and people waiting for a partner (two counts)."""
    return open_requests(cohort).count() + waiting_for_partner(cohort).count()


# Which pairs have gone quiet is known to sessions_log (pairs at work, a layer above), which
# registers how to find them from its AppConfig.ready(); without it the digest counts none.
_quiet_pair_ids: Callable[[datetime], Iterable[int]] | None = None


def register_quiet_pairs(find: Callable[[datetime], Iterable[int]]) -> None:
    global _quiet_pair_ids
    _quiet_pair_ids = find


def per_cohort() -> list[CohortAttention]:
    """HR home's badge: re-match requests and people waiting, per active cohort (no quiet
    pairs: those take a scan of every pair, fine once a day, not on every page view).

    One query (each cohort with its two counts as subqueries): the badge is on every view of
    HR's home, whose query budget it must not eat. Only cohorts that can have something
    waiting are counted (people wait only in active cohorts; any cohort may have an open
    request), and the counts are compared here rather than in SQL, where PostgreSQL would
    count each cohort's people twice: once to filter, once to show."""
    waiting = (
        waiting_for_partner()
        .filter(cohort=OuterRef("pk"))
        .order_by()  # Enrolment's ordering by email would join every person's user row
        .values("cohort")
        .annotate(n=Count("pk"))
        .values("n")
    )
    requests = (
        open_requests()
        .filter(pair__cohort=OuterRef("pk"))
        .values("pair__cohort")
        .annotate(n=Count("pk"))
        .values("n")
    )
    cohorts = (
        Cohort.objects.filter(
            Q(status=Cohort.Status.ACTIVE)
            | Exists(open_requests().filter(pair__cohort=OuterRef("pk")))
        )
        .select_related("programme")
        .annotate(
            waiting_count=Coalesce(Subquery(waiting), 0),
            request_count=Coalesce(Subquery(requests), 0),
        )
        .order_by("programme__name", "name", "pk")
    )
    return [
        CohortAttention(cohort=cohort, waiting=cohort.waiting_count, requests=cohort.request_count)
        for cohort in cohorts
        if cohort.waiting_count or cohort.request_count
    ]


def digest(now: datetime | None = None) -> list[CohortAttention]:
    """Everything waiting for HR, per active cohort; cohorts with nothing waiting are left out."""
    return _gather(with_quiet=True, now=now or timezone.now())


def _gather(*, with_quiet: bool, now: datetime) -> list[CohortAttention]:
    by_cohort: dict[int, CohortAttention] = {}

    def entry(cohort_id: int) -> CohortAttention:
        if cohort_id not in by_cohort:
            by_cohort[cohort_id] = CohortAttention(cohort=Cohort(pk=cohort_id))
        return by_cohort[cohort_id]

    for cohort_id, count in (
        waiting_for_partner().values_list("cohort_id").annotate(n=Count("pk")).order_by()
    ):
        entry(cohort_id).waiting = count
    for cohort_id, count in (
        open_requests().values_list("pair__cohort_id").annotate(n=Count("pk")).order_by()
    ):
        entry(cohort_id).requests = count
    if with_quiet and _quiet_pair_ids is not None:
        quiet_ids = list(_quiet_pair_ids(now))
        for cohort_id, count in (
            Pair.objects.filter(pk__in=quiet_ids)
            .values_list("cohort_id")
            .annotate(n=Count("pk"))
            .order_by()
        ):
            entry(cohort_id).quiet = count
    cohorts = Cohort.objects.select_related("programme").in_bulk(list(by_cohort))
    for cohort_id, item in by_cohort.items():
        item.cohort = cohorts[cohort_id]
        if item.waiting and with_quiet:
            item.waiting_names = [
                name or email
                for name, email in waiting_for_partner(item.cohort)
                .order_by("user__profile__full_name", "pk")
                .values_list("user__profile__full_name", "user__email")[:NAMES_SHOWN]
            ]
    return sorted(
        (item for item in by_cohort.values() if item.total),
        key=lambda item: (item.cohort.programme.name, item.cohort.name, item.cohort.pk),
    )


def declined_request(pair: Pair, user) -> RematchRequest | None:
    """The latest re-match request this person made for this pair that HR declined, with
    HR's note: the requester reads it in the app (never their partner)."""
    return (
        RematchRequest.objects.filter(
            pair=pair, requested_by=user, status=RematchRequest.Status.DECLINED
        )
        .order_by("-resolved_at", "-pk")
        .first()
    )
