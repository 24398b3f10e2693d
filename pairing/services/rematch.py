"""No-fault re-match: a pair member asks (HR hears of it in the daily digest), HR approves
(the pair ends and both people wait for the next top-up run, never again with each other) or
declines with a note the participant reads in the app and by email."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from mentoring import outbox
from mentoring.audit.services import record
from mentoring.models import Enrolment
from pairing.emails import REMATCH_KIND
from pairing.models import Pair, RematchRequest
from pairing.services.digest import schedule_hr_digest
from pairing.services.never_again import end_pair


class RematchRefused(ValueError):
    """A request or decision that cannot be made; the message is for the person."""


@transaction.atomic
def request_rematch(*, pair: Pair, by, reason: str) -> RematchRequest:
    """Open a request for a new partner. Only the pair's members may ask, and only while the
    pair is active; asking again while a request is open returns that request."""
    pair = Pair.objects.select_for_update().select_related("junior", "senior").get(pk=pair.pk)
    if not pair.involves(by):
        raise RematchRefused("Only the two people in a pair can ask for a re-match.")
    if pair.status != Pair.Status.ACTIVE:
        raise RematchRefused("This pair has already ended.")
    existing = RematchRequest.objects.filter(pair=pair, status=RematchRequest.Status.OPEN).first()
    if existing is not None:
        return existing
    request = RematchRequest.objects.create(
        pair=pair, requested_by=by, reason=(reason or "").strip()[:2000]
    )
    schedule_hr_digest()
    return request


@transaction.atomic
def decline_rematch(*, request: RematchRequest, by, note: str) -> RematchRequest:
    request = _open(request)
    request.status = RematchRequest.Status.DECLINED
    request.note = (note or "").strip()[:2000]
    request.resolved_at, request.resolved_by = timezone.now(), by
    request.save(update_fields=["status", "note", "resolved_at", "resolved_by"])
    record(actor=by, action="rematch.declined", target=f"re-match request {request.pk}")
    outbox.schedule(
        recipient=request.requested_by,
        kind=REMATCH_KIND,
        due_at=timezone.now(),
        dedupe_key=f"rematch:{request.pk}:{request.requested_by_id}",
        payload={"request_id": request.pk},
    )
    return request


@transaction.atomic
def resolve_rematch(*, request: RematchRequest, by, note: str = "") -> RematchRequest:
    """Approve: end the pair (it is never proposed again) and free both people for the next
    top-up run, which HR reviews on the board before anyone is emailed a new partner."""
    request = _open(request)
    old = Pair.objects.select_for_update().select_related("cohort").get(pk=request.pair_id)
    end_pair(pair=old, reason="No-fault re-match")
    request.status = RematchRequest.Status.RESOLVED
    request.note = (note or "").strip()[:2000]
    request.resolved_at, request.resolved_by = timezone.now(), by
    request.save(update_fields=["status", "note", "resolved_at", "resolved_by"])
    record(actor=by, action="rematch.resolved", target=f"re-match request {request.pk}")
    now = timezone.now()
    # Both former partners hear that it ended, no fault, and that a new partner follows.
    outbox.schedule_many(
        outbox.Planned(
            recipient_id=user_id,
            kind=REMATCH_KIND,
            due_at=now,
            dedupe_key=f"rematch:{request.pk}:{user_id}",
            payload={"request_id": request.pk},
        )
        for user_id in Enrolment.objects.filter(pk__in=(old.junior_id, old.senior_id)).values_list(
            "user_id", flat=True
        )
    )
    return request


def _open(request: RematchRequest) -> RematchRequest:
    request = RematchRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != RematchRequest.Status.OPEN:
        raise RematchRefused(f"This request was already {request.get_status_display().lower()}.")
    return request
