"""Reads of a cohort's pairing state for HR: its runs, rules, readiness and published pairs."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Q,
    Sum,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from accounts.models import ProfileSkill
from mentoring.models import Cohort, Enrolment
from pairing.models import Pair, PairingRun, RematchRequest, Rule

BOARD_PAGE_SIZE = 50


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
