"""The pairs the demo gives a history: the active published pairs of the demo's cohorts that
have none yet (a pair with an agreement acceptance already has its history), each with the
skills that can flow each way between its two people."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

from accounts.models import Profile, ProfileSkill
from mentoring.lib.sql import among
from mentoring.models import Cohort
from pairing.models import Pair
from sessions_log.models import AgreementAcceptance


@dataclass
class PairToSeed:
    pk: int
    cohort_id: int
    published_at: datetime
    junior_id: int  # users
    senior_id: int
    junior_enrolment: int
    senior_enrolment: int
    reverse_skills: list[int] = field(default_factory=list)
    forward_skills: list[int] = field(default_factory=list)
    skill_names: dict[int, str] = field(default_factory=dict)


def pairs_to_seed(cohorts: list[Cohort], now: datetime) -> list[PairToSeed]:
    rows: list[PairToSeed] = []
    for cohort in cohorts:
        start = cohort.starts_on or (now.date() - timedelta(days=90))
        # Published pairs of the demo cohort met from about a week after the cohort started.
        published = datetime.combine(start + timedelta(days=7), time(9), tzinfo=UTC)
        (
            Pair.objects.filter(
                cohort=cohort, status=Pair.Status.ACTIVE, published_at__gt=published
            )
            .exclude(agreement_acceptances__isnull=False)
            .update(published_at=min(published, now))
        )
        fresh = (
            Pair.objects.filter(
                cohort=cohort, status=Pair.Status.ACTIVE, published_at__isnull=False
            )
            .exclude(pk__in=AgreementAcceptance.objects.values("pair_id"))
            .values_list(
                "pk",
                "cohort_id",
                "published_at",
                "junior__user_id",
                "senior__user_id",
                "junior_id",
                "senior_id",
            )
        )
        rows += [
            PairToSeed(pk, cohort_id, at, junior, senior, junior_enrolment, senior_enrolment)
            for pk, cohort_id, at, junior, senior, junior_enrolment, senior_enrolment in fresh
            if at is not None  # always: the query keeps published pairs only
        ]
    if not rows:
        return rows
    user_ids = {r.junior_id for r in rows} | {r.senior_id for r in rows}
    profile_of = dict(
        Profile.objects.filter(user_id__in=among(user_ids, "bigint")).values_list("pk", "user_id")
    )
    teach: dict[int, set[int]] = {}
    learn: dict[int, set[int]] = {}
    names: dict[int, str] = {}
    for profile_id, skill_id, kind, name in ProfileSkill.objects.filter(
        profile_id__in=among(profile_of, "bigint")
    ).values_list("profile_id", "skill_id", "kind", "skill__name"):
        (teach if kind == "teach" else learn).setdefault(profile_of[profile_id], set()).add(
            skill_id
        )
        names[skill_id] = name
    for row in rows:
        reverse = teach.get(row.junior_id, set()) & learn.get(row.senior_id, set())
        forward = teach.get(row.senior_id, set()) & learn.get(row.junior_id, set())
        row.reverse_skills = sorted(reverse or teach.get(row.junior_id, set()))
        row.forward_skills = sorted(forward or teach.get(row.senior_id, set()))
        row.skill_names = names
    return rows
