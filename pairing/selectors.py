"""Reads of the pairing app, shaped for the pages and emails that show them."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    Exists,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from accounts.models import ProfileSkill
from mentoring.models import Cohort, Enrolment
from pairing.models import Pair, PairingRun, Proposal, RematchRequest, Rule

BOARD_PAGE_SIZE = 50
UNMATCHED_SHOWN = 200

CRITERIA = {
    "reverse": "skills the junior gives",
    "forward": "skills the senior gives",
    "forward_bonus": "two-way bonus",
    "department": "different departments",
    "location": "different locations",
}


# ---- The participant's view of their own pair -------------------------------------------


@dataclass(frozen=True)
class WhyMatched:
    pair: Pair
    partner: object
    partner_profile: object
    you_are_junior: bool
    you_give: list[dict]  # flows from the viewer to the partner
    you_get: list[dict]  # flows from the partner to the viewer
    same_department: bool | None  # None when either department is unknown
    your_department: str
    partner_department: str


def pair_for_member(user, pk) -> Pair:
    """A pair the user belongs to (active or ended), else 404."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404("No such pair") from None
    pair = (
        pairs_of_member(user)
        .filter(pk=pk)
        .select_related("cohort__programme", "junior__user__profile", "senior__user__profile")
        .first()
    )
    if pair is None:
        raise Http404("No such pair")
    return pair


def why_matched(pair: Pair, viewer) -> WhyMatched:
    you_are_junior = pair.junior.user_id == viewer.pk
    me = pair.junior if you_are_junior else pair.senior
    partner = pair.senior if you_are_junior else pair.junior
    explanation = pair.explanation or {}
    reverse = explanation.get("reverse_flows", [])
    forward = explanation.get("forward_flows", [])
    mine = getattr(me.user, "profile", None)
    theirs = getattr(partner.user, "profile", None)
    my_dept = (mine.department if mine else "") or ""
    their_dept = (theirs.department if theirs else "") or ""
    same = None
    if my_dept and their_dept:
        same = my_dept.casefold() == their_dept.casefold()
    return WhyMatched(
        pair=pair,
        partner=partner.user,
        partner_profile=theirs,
        you_are_junior=you_are_junior,
        you_give=reverse if you_are_junior else forward,
        you_get=forward if you_are_junior else reverse,
        same_department=same,
        your_department=my_dept,
        partner_department=their_dept,
    )


def pairs_of_member_in_cohort(user, cohort_id: int) -> list[Pair]:
    return list(
        pairs_of_member(user)
        .filter(cohort_id=cohort_id, status=Pair.Status.ACTIVE)
        .select_related("cohort__programme", "junior__user__profile", "senior__user__profile")
        .order_by("pk")
    )


# ---- HR: cohorts, runs and the board ----------------------------------------------------


def cohort_for_hr(slug: str) -> Cohort:
    cohort = Cohort.objects.select_related("programme").filter(slug=slug).first()
    if cohort is None:
        raise Http404("No such cohort")
    return cohort


def run_of_cohort(cohort: Cohort, pk) -> PairingRun:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404("No such run") from None
    run = (
        PairingRun.objects.filter(cohort=cohort, pk=pk)
        .select_related("cohort__programme", "created_by__profile")
        .first()
    )
    if run is None:
        raise Http404("No such run")
    return run


def cohort_readiness(cohort: Cohort) -> dict[str, int]:
    """Who the next run will see: people and places per side, and who has nothing to teach."""
    teaches = ProfileSkill.objects.filter(profile__user=OuterRef("user"), kind="teach")
    return Enrolment.objects.filter(cohort=cohort, status=Enrolment.Status.ACTIVE).aggregate(
        juniors=Count("pk", filter=Q(side="junior")),
        seniors=Count("pk", filter=Q(side="senior")),
        junior_places=Coalesce(Sum("capacity", filter=Q(side="junior")), 0),
        senior_places=Coalesce(Sum("capacity", filter=Q(side="senior")), 0),
        nothing_to_teach=Count("pk", filter=~Exists(teaches)),
    )


def rules_of_cohort(cohort: Cohort) -> list[Rule]:
    return list(
        Rule.objects.filter(cohort=cohort)
        .select_related("junior__user__profile", "senior__user__profile", "created_by__profile")
        .order_by("kind", "-created_at", "-pk")
    )


def runs_of_cohort(cohort: Cohort) -> list[PairingRun]:
    return list(
        PairingRun.objects.filter(cohort=cohort)
        .select_related("created_by__profile")
        .order_by("-created_at", "-pk")[:50]
    )


def open_rematch_requests(cohort: Cohort) -> list[RematchRequest]:
    return list(
        RematchRequest.objects.filter(pair__cohort=cohort, status=RematchRequest.Status.OPEN)
        .select_related(
            "pair__junior__user__profile", "pair__senior__user__profile", "requested_by__profile"
        )
        .order_by("created", "pk")
    )


def published_pairs(cohort: Cohort, *, page: str | int | None = 1, q: str = "") -> Page:
    pairs = (
        Pair.objects.filter(cohort=cohort)
        .select_related("junior__user__profile", "senior__user__profile")
        .order_by("status", "-score", "pk")
    )
    if q:
        pairs = pairs.filter(_name_filter(q, "junior") | _name_filter(q, "senior"))
    return Paginator(pairs, BOARD_PAGE_SIZE).get_page(page)


def _name_filter(q: str, side: str) -> Q:
    return Q(**{f"{side}__user__profile__full_name__icontains": q}) | Q(
        **{f"{side}__user__email__icontains": q}
    )


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


@dataclass(frozen=True)
class RunComparison:
    first: PairingRun
    second: PairingRun
    first_distribution: list[Bucket]
    second_distribution: list[Bucket]
    same_pairs: int
    only_first: list[Proposal]
    only_second: list[Proposal]
    only_first_count: int
    only_second_count: int
    first_locked: int
    second_locked: int
    parameter_changes: list[tuple[str, object, object]]


DIFF_SHOWN = 100


def compare_runs(first: PairingRun, second: PairingRun) -> RunComparison:
    a = set(Proposal.objects.filter(run=first).values_list("junior_id", "senior_id"))
    b = set(Proposal.objects.filter(run=second).values_list("junior_id", "senior_id"))
    only_a, only_b = a - b, b - a

    def listed(run: PairingRun, keys: set[tuple[int, int]]) -> list[Proposal]:
        if not keys:
            return []
        wanted = Q()
        for junior_id, senior_id in sorted(keys)[:DIFF_SHOWN]:
            wanted |= Q(junior_id=junior_id, senior_id=senior_id)
        return list(
            Proposal.objects.filter(run=run)
            .filter(wanted)
            .select_related("junior__user__profile", "senior__user__profile")
            .order_by("-score", "pk")
        )

    changes = []
    for name in sorted(set(first.weights) | set(second.weights)):
        if first.weights.get(name) != second.weights.get(name):
            changes.append((f"weight: {name}", first.weights.get(name), second.weights.get(name)))
    for name in ("min_grade_gap", "must_differ_department", "max_timezone_diff_hours"):
        if first.rules.get(name) != second.rules.get(name):
            changes.append((name.replace("_", " "), first.rules.get(name), second.rules.get(name)))
    # Locks set on a run's board are not in the rules saved with it (those are the rules it was
    # computed under), so the locked pairs a run holds are counted from its proposals.
    excluded = len(first.rules.get("excluded", [])), len(second.rules.get("excluded", []))
    if excluded[0] != excluded[1]:
        changes.append(("excluded pairs", *excluded))
    locked = dict(
        Proposal.objects.filter(run__in=[first, second], locked=True)
        .order_by()
        .values_list("run_id")
        .annotate(n=Count("pk"))
    )
    return RunComparison(
        first=first,
        second=second,
        first_distribution=score_distribution(first),
        second_distribution=score_distribution(second),
        same_pairs=len(a & b),
        only_first=listed(first, only_a),
        only_second=listed(second, only_b),
        only_first_count=len(only_a),
        only_second_count=len(only_b),
        first_locked=locked.get(first.pk, 0),
        second_locked=locked.get(second.pk, 0),
        parameter_changes=changes,
    )


# ---- Export ------------------------------------------------------------------------------

EXPORT_COLUMNS = (
    "junior_name",
    "junior_email",
    "junior_department",
    "senior_name",
    "senior_email",
    "senior_department",
    "score",
    "reverse",
    "forward",
    "junior_gives",
    "senior_gives",
    "locked",
    "set_by_hand",
    "rule_warnings",
)


def run_export_rows(run: PairingRun):
    """A run's proposals as rows for a spreadsheet, best first (one query, streamed)."""
    proposals = (
        Proposal.objects.filter(run=run)
        .select_related("junior__user__profile", "senior__user__profile")
        .order_by("-score", "pk")
    )
    for p in proposals.iterator(chunk_size=1000):
        junior, senior = p.junior.user, p.senior.user
        yield {
            "junior_name": junior.full_name,
            "junior_email": junior.email,
            "junior_department": junior.profile.department,
            "senior_name": senior.full_name,
            "senior_email": senior.email,
            "senior_department": senior.profile.department,
            "score": str(p.score),
            "reverse": str(p.reverse),
            "forward": str(p.forward),
            "junior_gives": "; ".join(
                f"{f['skill']} ({f['teach']}x{f['learn']})" for f in p.reverse_flows
            ),
            "senior_gives": "; ".join(
                f"{f['skill']} ({f['teach']}x{f['learn']})" for f in p.forward_flows
            ),
            "locked": "yes" if p.locked else "",
            "set_by_hand": "yes" if p.by_hand else "",
            "rule_warnings": "; ".join(p.warnings),
        }


def member_of(user) -> Q:
    """Pairs with ``user`` on either side, written so both foreign-key indexes can be used."""
    mine = Enrolment.objects.filter(user=user).values("pk")
    return Q(junior_id__in=mine) | Q(senior_id__in=mine)


def pairs_of_member(user) -> QuerySet[Pair]:
    """The published pairs ``user`` is one of the two people in (any status): the one
    membership rule. A pair not yet published is HR's draft, not theirs to see."""
    if not user.is_authenticated:
        return Pair.objects.none()
    return Pair.objects.filter(member_of(user), published_at__isnull=False)


def participant_pairs(user) -> list[Pair]:
    """The user's active pairs, newest first, for their home page."""
    return list(
        pairs_of_member(user)
        .filter(status=Pair.Status.ACTIVE)
        .select_related("cohort", "junior__user__profile", "senior__user__profile")
        .order_by("-published_at")
    )
