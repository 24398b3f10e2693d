"""The pairing app's share of a person's data (registered from PairingConfig.ready())."""

from __future__ import annotations

from django.db.models import Q

from mentoring.privacy.registry import Datum, Erasure, Part, register
from pairing.models import Pair, RematchRequest


def _pairs_of(user):
    return Pair.objects.filter(Q(junior__user=user) | Q(senior__user=user))


def export_pairs(user) -> dict:
    pairs = _pairs_of(user).select_related(
        "cohort__programme", "junior__user__profile", "senior__user__profile"
    )
    requests = RematchRequest.objects.filter(requested_by=user).order_by("created")
    return {
        "pairs": [
            {
                "id": pair.pk,
                "programme": pair.cohort.programme.name,
                "cohort": pair.cohort.name,
                "your_side": "junior" if pair.junior.user_id == user.pk else "senior",
                "partner": pair.partner_of(user).full_name,
                "status": pair.status,
                "score": pair.score,
                "published_at": pair.published_at,
                "ended_at": pair.ended_at,
                "end_reason": pair.end_reason,
                "why_matched": pair.explanation,
            }
            for pair in pairs
        ],
        "rematch_requests": [
            {
                "pair": request.pair_id,
                "requested_at": request.created,
                "reason": request.reason,
                "status": request.status,
                "hr_note": request.note,
                "resolved_at": request.resolved_at,
            }
            for request in requests
        ],
    }


def count_pairs(user) -> dict[str, int]:
    return {
        "pairs (kept, partner sees “a former participant”)": _pairs_of(user).count(),
        "re-match requests (reasons cleared)": RematchRequest.objects.filter(
            Q(requested_by=user) | Q(pair__in=_pairs_of(user))
        ).count(),
    }


def erase_pairs(user, erasure: Erasure) -> None:
    requests = RematchRequest.objects.filter(Q(requested_by=user) | Q(pair__in=_pairs_of(user)))
    requests.update(reason="", note="")
    for pair in _pairs_of(user).exclude(end_reason=""):
        if erasure.mentions(pair.end_reason):
            Pair.objects.filter(pk=pair.pk).update(end_reason=erasure.scrub(pair.end_reason))


def purge_pairs(cohort_ids: list[int]) -> dict[str, int]:
    requests = RematchRequest.objects.filter(pair__cohort_id__in=cohort_ids).exclude(
        reason="", note=""
    )
    return {
        "re-match reasons and notes": requests.update(reason="", note=""),
        "pair end reasons": Pair.objects.filter(cohort_id__in=cohort_ids)
        .exclude(end_reason="")
        .update(end_reason=""),
    }


def past_pairs(*, cohort_ids: list[int] | None = None, user_id: int | None = None):
    """Published pairs, as the engine's "never again" rule sees them."""
    wanted = Q()
    if cohort_ids:
        wanted |= Q(cohort_id__in=cohort_ids)
    if user_id is not None:
        wanted |= Q(junior__user_id=user_id) | Q(senior__user_id=user_id)
    if not wanted:
        return []
    return list(
        Pair.objects.filter(wanted, published_at__isnull=False)
        # An erased partner's pairs were hashed when they were erased.
        .exclude(junior__user__email__endswith="@erased.invalid")
        .exclude(senior__user__email__endswith="@erased.invalid")
        .values_list("junior__user__email", "senior__user__email", "cohort__closed_at")
    )


INVENTORY = (
    Datum(
        "Pairs",
        "junior and senior, score and why they were matched (skills each way), dates, "
        "status, end reason",
        "the two partners; HR; managers as counts only",
        "pairs stay without names after erasure or the retention purge; a keyed hash of the "
        "two email addresses is kept so they are never paired again",
    ),
    Datum(
        "Pairing runs and proposals",
        "proposed pairs, scores, HR's locks and excludes",
        "HR admins",
        "with the cohort",
    ),
    Datum(
        "Re-match requests",
        "reason given, HR's note, decision",
        "the person who asked; HR",
        "until erased or purged",
    ),
)


def register_part() -> None:
    register(
        Part(
            name="pairing",
            order=20,
            export=export_pairs,
            count=count_pairs,
            erase=erase_pairs,
            purge=purge_pairs,
            past_pairs=past_pairs,
            inventory=INVENTORY,
        )
    )
