"""Reads that cross relations, shaped for the pages that show them."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from mentoring.models import Cohort, Enrolment, Programme
from pairing.models import Pair


def programmes_overview() -> QuerySet[Programme]:
    return Programme.objects.filter(archived_at__isnull=True).prefetch_related(
        _cohorts_with_counts_prefetch()
    )


def _cohorts_with_counts_prefetch():
    from django.db.models import Prefetch

    return Prefetch(
        "cohorts",
        queryset=Cohort.objects.filter(archived_at__isnull=True).annotate(
            juniors=Count("enrolments", filter=Q(enrolments__side="junior",
                                                 enrolments__status="active"), distinct=True),
            seniors=Count("enrolments", filter=Q(enrolments__side="senior",
                                                 enrolments__status="active"), distinct=True),
            active_pairs=Count("pairs", filter=Q(pairs__status="active"), distinct=True),
        ).order_by("-starts_on", "name"),
    )


def participant_enrolments(user) -> list[Enrolment]:
    return list(
        Enrolment.objects.filter(user=user, status="active")
        .select_related("cohort__programme")
        .order_by("-cohort__starts_on")
    )


def participant_pairs(user) -> list[Pair]:
    return list(
        Pair.objects.filter(Q(junior__user=user) | Q(senior__user=user), status="active")
        .select_related("cohort", "junior__user__profile", "senior__user__profile")
        .order_by("-published_at")
    )
