"""Reads behind a run's board: filters, the proposal rows, free people and the score spread."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    Max,
    Min,
    Q,
    QuerySet,
)

from mentoring.models import Enrolment
from pairing.models import Pair, PairingRun, Proposal, RematchRequest
from pairing.selectors.cohorts import BOARD_PAGE_SIZE, _name_filter, open_rematch_requests

UNMATCHED_SHOWN = 200


@dataclass(frozen=True)
class BoardFilters:
    q: str = ""
    department: str = ""
    min_score: int | None = None
    max_score: int | None = None
    locked: str = ""  # "", "yes", "no"
    warnings: bool = False
    page: int = 1

    @classmethod
    def from_query(cls, data) -> BoardFilters:
        def number(name: str) -> int | None:
            try:
                return int(str(data.get(name, "")).strip())
            except ValueError:
                return None

        locked = data.get("locked", "")
        return cls(
            q=str(data.get("q", "")).strip()[:100],
            department=str(data.get("department", "")).strip()[:200],
            min_score=number("min_score"),
            max_score=number("max_score"),
            locked=locked if locked in ("yes", "no") else "",
            warnings=data.get("warnings") in ("1", "on", "yes", "true"),
            page=max(1, number("page") or 1),
        )

    def apply(self, proposals: QuerySet[Proposal]) -> QuerySet[Proposal]:
        if self.q:
            proposals = proposals.filter(
                _name_filter(self.q, "junior") | _name_filter(self.q, "senior")
            )
        if self.department:
            proposals = proposals.filter(
                Q(junior__user__profile__department__iexact=self.department)
                | Q(senior__user__profile__department__iexact=self.department)
            )
        if self.min_score is not None:
            proposals = proposals.filter(score__gte=self.min_score)
        if self.max_score is not None:
            proposals = proposals.filter(score__lte=self.max_score)
        if self.locked:
            proposals = proposals.filter(locked=self.locked == "yes")
        if self.warnings:
            proposals = proposals.exclude(warnings=[])
        return proposals

    def querystring(self, page: int | None = None) -> str:
        """The filters as a query string (for links that work without JavaScript)."""
        from urllib.parse import urlencode

        pairs = [
            (name, value)
            for name, value in (
                ("q", self.q),
                ("department", self.department),
                ("min_score", "" if self.min_score is None else self.min_score),
                ("max_score", "" if self.max_score is None else self.max_score),
                ("locked", self.locked),
                ("warnings", "1" if self.warnings else ""),
                ("page", page or ""),
            )
            if value != ""
        ]
        return urlencode(pairs)

    @property
    def active(self) -> bool:
        return bool(
            self.q
            or self.department
            or self.min_score is not None
            or self.max_score is not None
            or self.locked
            or self.warnings
        )


@dataclass(frozen=True)
class Bucket:
    low: int
    high: int
    count: int
    share: int  # percent of the largest bucket, for the bar


@dataclass(frozen=True)
class FreePerson:
    """Someone with a place left on the board, and why the engine left them without a partner."""

    enrolment: Enrolment
    free_slots: int
    unmatched_reason: str


@dataclass
class Board:
    run: PairingRun
    proposals: Page
    filters: BoardFilters
    distribution: list[Bucket]
    departments: list[str]
    free_juniors: list[FreePerson]
    free_seniors: list[FreePerson]
    free_juniors_count: int
    free_seniors_count: int
    locked_count: int
    warnings_count: int
    rematch_requests: list[RematchRequest] = field(default_factory=list)


def board(run: PairingRun, filters: BoardFilters) -> Board:
    """Everything the board shows, in a fixed number of queries whatever the cohort's size."""
    everything = Proposal.objects.filter(run=run)
    shown = (
        filters.apply(everything)
        .select_related("junior__user__profile", "senior__user__profile")
        .order_by("-score", "pk")
    )
    page = Paginator(shown, BOARD_PAGE_SIZE).get_page(filters.page)
    counts = everything.aggregate(
        locked=Count("pk", filter=Q(locked=True)), warned=Count("pk", filter=~Q(warnings=[]))
    )
    free_juniors, n_juniors = free_people(run, Enrolment.Side.JUNIOR)
    free_seniors, n_seniors = free_people(run, Enrolment.Side.SENIOR)
    return Board(
        run=run,
        proposals=page,
        filters=filters,
        distribution=score_distribution(run),
        departments=cohort_departments(run.cohort_id),
        free_juniors=free_juniors,
        free_seniors=free_seniors,
        free_juniors_count=n_juniors,
        free_seniors_count=n_seniors,
        locked_count=counts["locked"],
        warnings_count=counts["warned"],
        rematch_requests=open_rematch_requests(run.cohort),
    )


def free_people(run: PairingRun, side: str) -> tuple[list[FreePerson], int]:
    """Active enrolments of one side with a place left on this board, first by name, and how
    many there are (three queries whatever the cohort's size)."""
    used = dict(
        Proposal.objects.filter(run=run)
        .values_list(f"{side}_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    if run.top_up:  # a top-up's board works around the active pairs: they use places too
        for pk, count in (
            Pair.objects.filter(cohort_id=run.cohort_id, status=Pair.Status.ACTIVE)
            .values_list(f"{side}_id")
            .annotate(n=Count("pk"))
            .order_by()
        ):
            used[pk] = used.get(pk, 0) + count
    places = Enrolment.objects.filter(
        cohort_id=run.cohort_id, side=side, status=Enrolment.Status.ACTIVE
    ).values_list("pk", "capacity")
    free = {pk: capacity - used.get(pk, 0) for pk, capacity in places if capacity > used.get(pk, 0)}
    shown = (
        list(
            Enrolment.objects.filter(pk__in=list(free))
            .select_related("user__profile")
            .order_by("user__profile__full_name", "pk")[:UNMATCHED_SHOWN]
        )
        if free
        else []
    )
    reasons = run.unmatched or {}
    return [
        FreePerson(
            enrolment,
            free[enrolment.pk],
            (reasons.get(str(enrolment.pk)) or {}).get("reason", "freed on the board"),
        )
        for enrolment in shown
    ], len(free)


def cohort_departments(cohort_id: int) -> list[str]:
    names = (
        Enrolment.objects.filter(cohort_id=cohort_id, status=Enrolment.Status.ACTIVE)
        .exclude(user__profile__department="")
        .values_list("user__profile__department", flat=True)
        .order_by()
        .distinct()
    )
    return sorted(set(names), key=str.casefold)


def score_distribution(run: PairingRun, buckets: int = 10) -> list[Bucket]:
    """Counts of proposals per score band, for a bar list."""
    proposals = Proposal.objects.filter(run=run)
    span = proposals.aggregate(low=Min("score"), high=Max("score"))
    low, high = span["low"], span["high"]
    if low is None:
        return []
    width = max(1, -(-(high - low + 1) // buckets))
    rows = proposals.values_list("score").annotate(n=Count("pk"))
    counts: dict[int, int] = {}
    for score, n in rows:
        band = (score - low) // width
        counts[band] = counts.get(band, 0) + n
    biggest = max(counts.values())
    return [
        Bucket(
            low=low + band * width,
            high=low + band * width + width - 1,
            count=counts.get(band, 0),
            share=round(100 * counts.get(band, 0) / biggest),
        )
        for band in range((high - low) // width + 1)
    ]


# ---- Comparing two runs -----------------------------------------------------------------
