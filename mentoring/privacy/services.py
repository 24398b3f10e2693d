"""Download, erasure and retention: the registered parts, run in one transaction.

See DESIGN.md "Privacy rules" for the contract of ``export_person``, ``erase_person`` and
``purge_expired`` (the management commands of the same names print and call these)."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import HR_ADMIN, MANAGER, User
from accounts.privacy import ERASED_DOMAIN, is_erased
from mentoring.audit.services import record
from mentoring.models import Cohort, Enrolment
from mentoring.privacy.models import PastPairHash, RetentionPurge
from mentoring.privacy.registry import Erasure, parts

EXPORT_FORMAT = "twoway-personal-data/1"


class ErasureRefused(Exception):
    """The person cannot be erased; the message says why."""


# --- past pairs ---------------------------------------------------------------------------


def _normalised(email: str) -> str:
    return email.strip().lower()


def person_digest(email: str) -> str:
    """HMAC-SHA256 (TWOWAY_PAIR_HASH_KEY) of one normalised email address."""
    message = b"person\n" + _normalised(email).encode()
    return hmac.digest(settings.PAIR_HASH_KEY.encode(), message, hashlib.sha256).hex()


def _pair_key(first: str, second: str) -> str:
    return hmac.digest(
        settings.PAIR_HASH_KEY.encode(), f"pair\n{first}\n{second}".encode(), hashlib.sha256
    ).hex()


def past_pair_digest(junior_email: str, senior_email: str) -> str:
    """The pair's key: the same whichever side each person was on."""
    return _pair_key(*sorted((person_digest(junior_email), person_digest(senior_email))))


def past_pair_row(junior_email: str, senior_email: str, closed_on: date | None) -> PastPairHash:
    first, second = sorted((person_digest(junior_email), person_digest(senior_email)))
    return PastPairHash(
        digest=_pair_key(first, second), person_a=first, person_b=second, cohort_closed_on=closed_on
    )


def remember_past_pairs(pairs: Iterable[tuple[str, str, date | None]]) -> int:
    """Keep each (junior email, senior email, cohort closed on) pair's hashes, once."""
    rows = [past_pair_row(junior, senior, closed_on) for junior, senior, closed_on in pairs]
    return len(PastPairHash.objects.bulk_create(rows, ignore_conflicts=True))


def forbidden_pairs_for(juniors: Iterable[str], seniors: Iterable[str]) -> set[tuple[str, str]]:
    """The (junior email, senior email) candidates that were a pair before, in this cohort or
    an earlier one whose data has been purged or erased since. Emails come back as given.

    One HMAC per person, then one pass over the past pairs: linear in the cohort's size."""
    if not PastPairHash.objects.exists():
        return set()
    junior_by = {person_digest(email): email for email in juniors}
    senior_by = {person_digest(email): email for email in seniors}
    forbidden: set[tuple[str, str]] = set()
    for first, second in PastPairHash.objects.values_list("person_a", "person_b").iterator(
        chunk_size=5000
    ):
        for one, other in ((first, second), (second, first)):
            if one in junior_by and other in senior_by:
                forbidden.add((junior_by[one], senior_by[other]))
    return forbidden


def _keep_past_pairs(*, cohort_ids: list[int] | None = None, user_id: int | None = None) -> int:
    return remember_past_pairs(
        (junior_email, senior_email, closed_at.date() if closed_at else None)
        for part in parts()
        if part.past_pairs is not None
        for junior_email, senior_email, closed_at in part.past_pairs(
            cohort_ids=cohort_ids, user_id=user_id
        )
    )


# --- download -----------------------------------------------------------------------------


def export_person(user: User) -> dict:
    """Everything about the person, by section; never another person's private text."""
    data: dict = {
        "format": EXPORT_FORMAT,
        "exported_at": timezone.now(),
        "email": user.email,
    }
    for part in parts():
        if part.export is not None:
            data.update(part.export(user))
    return data


def export_person_json(user: User) -> str:
    return json.dumps(export_person(user), cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)


# --- erasure ------------------------------------------------------------------------------


def pseudonym_for(user_id: int) -> str:
    """Stable per person, so the audit trail still reads as one person's actions."""
    tag = hmac.digest(settings.PAIR_HASH_KEY.encode(), f"person:{user_id}".encode(), "sha256")
    return f"erased person {tag.hex()[:8]}"


def erasure_preview(user: User) -> dict[str, int]:
    """What erasure would delete or anonymise, per kind (the confirmation lists it)."""
    counts: dict[str, int] = {}
    for part in parts():
        if part.count is not None:
            counts.update(part.count(user))
    return counts


def find_person(email: str) -> User | None:
    email = _normalised(email)
    if not email:
        return None
    return User.objects.filter(email__iexact=email).select_related("profile").first()


@transaction.atomic
def erase_person(*, user: User, by: User | None = None) -> dict[str, int]:
    """Delete or anonymise everything that names the person. Their rows that feed the figures
    (enrolments, pairs, session minutes, survey scores) stay, pointing at an anonymous
    placeholder account, so the dashboard still adds up."""
    user = User.objects.select_for_update(of=("self",)).get(pk=user.pk)
    if is_erased(user):
        raise ErasureRefused("This person has already been erased.")
    if by is not None and by.pk == user.pk:
        raise ErasureRefused("You cannot erase yourself here; ask another HR admin.")
    counts = erasure_preview(user)
    profile = getattr(user, "profile", None)
    names = tuple(name for name in [profile.full_name if profile else ""] if name.strip())
    erasure = Erasure(
        user_id=user.pk, email=user.email, names=names, pseudonym=pseudonym_for(user.pk)
    )
    _keep_past_pairs(user_id=user.pk)
    for part in parts():
        if part.erase is not None:
            part.erase(user, erasure)
    record(
        actor=by,
        action="person.erased",
        target=f"person #{user.pk}",
        subject=user,
        counts=counts,
    )
    return counts


# --- retention ----------------------------------------------------------------------------


@dataclass
class PurgedCohort:
    slug: str
    name: str
    closed_on: date
    pair_hashes: int = 0
    people_erased: int = 0
    counts: dict[str, int] = field(default_factory=dict)


def expired_cohorts(now: datetime | None = None):
    cutoff = (now or timezone.now()) - timedelta(days=settings.RETENTION_DAYS)
    return Cohort.objects.filter(
        status=Cohort.Status.CLOSED, closed_at__lt=cutoff, retention_purge__isnull=True
    ).order_by("closed_at", "pk")


def _still_taking_part(user_ids: set[int], now: datetime) -> set[int]:
    """People with a reason to keep their account: a cohort not yet expired, or a role."""
    cutoff = now - timedelta(days=settings.RETENTION_DAYS)
    live = Enrolment.objects.filter(user_id__in=user_ids).exclude(
        cohort__status=Cohort.Status.CLOSED, cohort__closed_at__lt=cutoff
    )
    keep = set(live.values_list("user_id", flat=True))
    roles = Group.objects.filter(name__in=[HR_ADMIN, MANAGER], user__in=user_ids)
    keep |= set(roles.values_list("user__pk", flat=True))
    keep |= set(
        User.objects.filter(pk__in=user_ids)
        .filter(Q(is_staff=True) | Q(is_superuser=True))
        .values_list("pk", flat=True)
    )
    return keep


def purge_expired(*, now: datetime | None = None, dry_run: bool = False) -> list[PurgedCohort]:
    """Purge the personal data of cohorts closed more than TWOWAY_RETENTION_DAYS ago: hash
    each past pair, remove the cohorts' free text, and erase the people who take part in
    nothing else. A dry run does all of it and rolls back, so its report is exact."""
    now = now or timezone.now()
    report: list[PurgedCohort] = []
    with transaction.atomic():
        for cohort in expired_cohorts(now).select_for_update(of=("self",)):
            report.append(_purge_cohort(cohort, now))
        if dry_run:
            transaction.set_rollback(True)
    return report


def _purge_cohort(cohort: Cohort, now: datetime) -> PurgedCohort:
    assert cohort.closed_at is not None  # an expired cohort closed before the cutoff
    done = PurgedCohort(slug=cohort.slug, name=cohort.name, closed_on=cohort.closed_at.date())
    done.pair_hashes = _keep_past_pairs(cohort_ids=[cohort.pk])
    for part in parts():
        if part.purge is not None:
            for kind, count in part.purge([cohort.pk]).items():
                done.counts[kind] = done.counts.get(kind, 0) + count
    members = set(
        Enrolment.objects.filter(cohort=cohort)
        .exclude(user__email__endswith="@" + ERASED_DOMAIN)
        .values_list("user_id", flat=True)
    )
    for user in User.objects.filter(pk__in=members - _still_taking_part(members, now)):
        erase_person(user=user, by=None)
        done.people_erased += 1
    RetentionPurge.objects.create(
        cohort=cohort,
        counts={**done.counts, "pair hashes": done.pair_hashes, "people": done.people_erased},
    )
    record(
        actor=None,
        action="retention.purged",
        target=f"cohort {cohort.slug}",
        pair_hashes=done.pair_hashes,
        people_erased=done.people_erased,
        counts=done.counts,
    )
    return done
