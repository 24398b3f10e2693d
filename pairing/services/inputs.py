"""Turn a cohort's rows into the engine's inputs, in a fixed number of queries.

Every pairing path (the board's runs, `pair_cohort`, swaps, re-matches) reads people through
:func:`load_people`, so the engine sees the same skills, reporting lines, time zones and
exclusions wherever it is called from."""

from __future__ import annotations

import zoneinfo
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Sum
from django.utils import timezone

from accounts.models import ProfileSkill, Skill
from accounts.reporting import manager_chains
from mentoring.models import Cohort, Enrolment
from mentoring.privacy.services import forbidden_pairs_for
from pairing import engine
from pairing.models import Pair, Rule
from pairing.services.never_again import forbidden_by_rows
from pairing.services.shortlist import cohort_marks


@dataclass
class CohortPeople:
    """Engine persons of a cohort plus what the services need to show them."""

    juniors: list[engine.Person]
    seniors: list[engine.Person]
    emails: dict[int, str]  # enrolment id -> email
    departments: dict[int, str]  # enrolment id -> department
    # (junior id, senior id) never to be proposed: this cohort's ended pairs, partners of any
    # other cohort (from Pair rows, and by keyed hash once those rows are purged or erased)
    never_again: frozenset[tuple[int, int]] = frozenset()
    # a top-up's active pairs among these people: they use capacity and count as covered
    fixed: tuple[tuple[int, int], ...] = ()
    by_id: dict[int, engine.Person] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_id = {p.id: p for p in (*self.juniors, *self.seniors)}


# What one (junior place, senior place) cell costs the engine at its peak, measured: 10k x 10k
# stopped with a MemoryError at 3 GB, 15k x 15k reached 18.8 GB (about 84 bytes a cell).
BYTES_PER_CELL = 80


@dataclass(frozen=True)
class CohortSize:
    """How big a problem a cohort hands the engine: every junior place against every senior
    place (a person of capacity 2 takes two places)."""

    junior_places: int
    senior_places: int

    @property
    def cells(self) -> int:
        return self.junior_places * self.senior_places

    @property
    def estimated_bytes(self) -> int:
        return self.cells * BYTES_PER_CELL

    def refusal(self, max_cells: int) -> str | None:
        """A message for HR when the engine cannot hold this cohort, else None."""
        if self.cells <= max_cells:
            return None
        return (
            f"This cohort is too big to pair on this server: {self.junior_places:,} junior "
            f"places × {self.senior_places:,} senior places is {self.cells:,} possible pairs "
            f"(about {self.estimated_bytes / 1e9:,.1f} GB for the pairing engine), and the "
            f"limit is {max_cells:,} (TWOWAY_PAIRING_MAX_CELLS). Split the cohort into smaller "
            "ones, or raise the limit on a worker with more memory."
        )


def cohort_size(cohort: Cohort) -> CohortSize:
    """The cohort's places per side, from one grouped query (nothing is loaded)."""
    places = dict(
        Enrolment.objects.filter(cohort=cohort, status=Enrolment.Status.ACTIVE)
        .values("side")
        .annotate(places=Sum("capacity"))
        .values_list("side", "places")
    )
    return CohortSize(
        junior_places=int(places.get(Enrolment.Side.JUNIOR) or 0),
        senior_places=int(places.get(Enrolment.Side.SENIOR) or 0),
    )


def people_size(people: CohortPeople) -> CohortSize:
    return CohortSize(
        junior_places=sum(max(1, p.capacity) for p in people.juniors),
        senior_places=sum(max(1, p.capacity) for p in people.seniors),
    )


def weights_from(snapshot: dict) -> engine.Weights:
    defaults = engine.Weights()
    return engine.Weights(
        **{
            name: int(snapshot.get(name, getattr(defaults, name)))
            for name in ("reverse", "forward", "forward_bonus", "department", "location")
        }
    )


def rules_snapshot(cohort: Cohort) -> dict:
    """The cohort's rules and HR's locks/excludes as they stand: stored on each run."""
    rules = Rule.objects.filter(cohort=cohort).values_list("kind", "junior_id", "senior_id")
    marks = cohort_marks(cohort.pk)  # the shortlist's: DESIGN.md "Preferences"
    return {
        "min_grade_gap": cohort.min_grade_gap,
        "must_differ_department": cohort.must_differ_department,
        "max_timezone_diff_hours": cohort.max_timezone_diff_hours,
        "locked": sorted([j, s] for kind, j, s in rules if kind == Rule.Kind.LOCK),
        "excluded": sorted([j, s] for kind, j, s in rules if kind == Rule.Kind.EXCLUDE),
        "rather_not": sorted([j, s] for j, s in marks.rather_not),
        "liked": sorted([j, s, n] for (j, s), n in marks.likes.items()),
    }


def engine_rules(snapshot: dict, people: CohortPeople, *, preference: int = 0) -> engine.Rules:
    """Rules for the engine: the snapshot's settings and excludes, never-again and fixed pairs;
    locks only where both people are still active in the cohort and the pair may be proposed
    (a lock on a pair that has since ended, or that is active already, no longer applies).
    Shortlist marks: "rather not" excludes, each "I'd like" adds ``preference`` points."""
    present = people.by_id
    excluded = {(int(j), int(s)) for j, s in snapshot.get("excluded", [])}
    excluded |= {(int(j), int(s)) for j, s in snapshot.get("rather_not", [])}
    bonus = {
        (int(j), int(s)): int(n) * preference
        for j, s, n in snapshot.get("liked", [])
        if preference and int(j) in present and int(s) in present
    }
    fixed = set(people.fixed)
    locked = tuple(
        (int(j), int(s))
        for j, s in snapshot.get("locked", [])
        if int(j) in present
        and int(s) in present
        and (int(j), int(s)) not in people.never_again
        and (int(j), int(s)) not in fixed
    )
    tz_hours = snapshot.get("max_timezone_diff_hours")
    return engine.Rules(
        min_grade_gap=snapshot.get("min_grade_gap"),
        must_differ_department=bool(snapshot.get("must_differ_department")),
        max_timezone_diff_hours=float(tz_hours) if tz_hours is not None else None,
        excluded=frozenset(excluded),
        locked=locked,
        never_again=people.never_again,
        fixed=people.fixed,
        bonus=bonus,
    )


# The engine's words for any exclusion; a shortlist mark reaches it as one (engine_rules).
_EXCLUDED_BY_HR = "excluded by HR"
MARKED_RATHER_NOT = "one of the two marked this pair “rather not” on the shortlist"


def attributed_breaks(
    breaks: list[str], snapshot: dict, junior_id: int, senior_id: int
) -> list[str]:
    """The engine's rule breaks with an exclusion credited to where it came from: HR's exclude,
    a participant's "rather not" mark, or both. Never which participant marked it: warnings
    travel to the published pair its members read; HR sees who on the board."""
    pair = (int(junior_id), int(senior_id))
    marked = pair in {(int(j), int(s)) for j, s in snapshot.get("rather_not", [])}
    if not marked:
        return breaks
    by_hr = pair in {(int(j), int(s)) for j, s in snapshot.get("excluded", [])}
    words: list[str] = []
    for line in breaks:
        if line == _EXCLUDED_BY_HR:
            words += [line, MARKED_RATHER_NOT] if by_hr else [MARKED_RATHER_NOT]
        else:
            words.append(line)
    return words


def has_published_pairs(cohort: Cohort) -> bool:
    """A run on this cohort is a top-up run: it pairs only people with free places."""
    return Pair.objects.filter(
        cohort=cohort, status=Pair.Status.ACTIVE, published_at__isnull=False
    ).exists()


@dataclass(frozen=True)
class Places:
    """Who has room for a partner in a cohort with active pairs."""

    free: dict[int, int]  # enrolment id -> free places (only those with some)
    active_pairs: list[tuple[int, int]]  # (junior id, senior id)

    def to_load(self) -> set[int]:
        """The free people and their current partners: the partners carry the fixed pairs
        that make a free person "covered" already; everyone else is full and changes nothing."""
        ids = set(self.free)
        for junior, senior in self.active_pairs:
            if junior in self.free or senior in self.free:
                ids.update((junior, senior))
        return ids


def free_places(cohort: Cohort) -> Places:
    """Each active person's capacity minus their active pairs, in two queries."""
    active_pairs = list(
        Pair.objects.filter(cohort=cohort, status=Pair.Status.ACTIVE).values_list(
            "junior_id", "senior_id"
        )
    )
    used: dict[int, int] = defaultdict(int)
    for junior, senior in active_pairs:
        used[junior] += 1
        used[senior] += 1
    capacities = Enrolment.objects.filter(
        cohort=cohort, status=Enrolment.Status.ACTIVE
    ).values_list("pk", "capacity")
    free = {pk: capacity - used[pk] for pk, capacity in capacities if capacity > used[pk]}
    return Places(free=free, active_pairs=active_pairs)


def load_for_run(cohort: Cohort, *, top_up: bool, at: datetime | None = None) -> CohortPeople:
    """What a run hands the engine: everyone, or for a top-up the people with free places
    (and their partners, whose active pairs are fixed)."""
    if not top_up:
        return load_people(cohort, at=at)
    places = free_places(cohort)
    people = load_people(cohort, at=at, enrolment_ids=places.to_load(), free=places.free)
    present = people.by_id
    people.fixed = tuple(
        (j, s) for j, s in sorted(places.active_pairs) if j in present and s in present
    )
    return people


def _utc_offsets(names: Iterable[str], at: datetime) -> dict[str, float | None]:
    offsets: dict[str, float | None] = {}
    for name in set(names):
        try:
            delta = at.astimezone(zoneinfo.ZoneInfo(name)).utcoffset()
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            offsets[name] = None
            continue
        offsets[name] = delta.total_seconds() / 3600 if delta is not None else None
    return offsets


def load_people(
    cohort: Cohort,
    *,
    at: datetime | None = None,
    enrolment_ids: Iterable[int] | None = None,
    free: dict[int, int] | None = None,
) -> CohortPeople:
    """The cohort's active enrolments as engine persons (or only ``enrolment_ids``), with the
    pairs they may never be proposed in. ``free`` (enrolment id -> free places) narrows the
    keyed-hash check to the people who can take a new partner."""
    at = at or timezone.now()
    enrolments = Enrolment.objects.filter(cohort=cohort, status=Enrolment.Status.ACTIVE)
    if enrolment_ids is not None:
        enrolments = enrolments.filter(pk__in=list(enrolment_ids))
    rows = list(
        enrolments.order_by("pk").values_list(
            "pk",
            "user_id",
            "side",
            "capacity",
            "user__email",
            "user__profile__full_name",
            "user__profile__department",
            "user__profile__location",
            "user__profile__grade",
            "user__profile__timezone",
        )
    )
    user_ids = [row[1] for row in rows]

    teach: dict[int, dict[int, int]] = defaultdict(dict)
    learn: dict[int, dict[int, int]] = defaultdict(dict)
    skills = ProfileSkill.objects.filter(
        profile__user__enrolments__cohort=cohort, profile__user__enrolments__status="active"
    )
    if enrolment_ids is not None:
        skills = skills.filter(profile__user_id__in=user_ids)
    for user_id, skill_id, kind, level in skills.values_list(
        "profile__user_id", "skill_id", "kind", "level"
    ):
        (teach if kind == ProfileSkill.Kind.TEACH else learn)[user_id][skill_id] = level

    chains = manager_chains(user_ids)
    offsets = _utc_offsets((row[9] or "" for row in rows), at)
    juniors: list[engine.Person] = []
    seniors: list[engine.Person] = []
    emails: dict[int, str] = {}
    departments: dict[int, str] = {}
    for pk, user_id, side, capacity, email, full_name, department, location, grade, tz in rows:
        person = engine.Person(
            id=pk,
            user_id=user_id,
            capacity=capacity,
            teach=teach.get(user_id, {}),
            learn=learn.get(user_id, {}),
            department=department or "",
            location=location or "",
            grade=grade,
            utc_offset_hours=offsets.get(tz or ""),
            manager_chain=chains.get(user_id, frozenset()),
            name=full_name or email,
        )
        (juniors if side == Enrolment.Side.JUNIOR else seniors).append(person)
        emails[pk] = email
        departments[pk] = department or ""

    return CohortPeople(
        juniors=juniors,
        seniors=seniors,
        emails=emails,
        departments=departments,
        never_again=frozenset(_never_again(cohort, juniors, seniors, emails, free)),
    )


def _never_again(
    cohort: Cohort,
    juniors: list[engine.Person],
    seniors: list[engine.Person],
    emails: dict[int, str],
    free: dict[int, int] | None,
) -> set[tuple[int, int]]:
    found = forbidden_by_rows(
        cohort, [(p.id, p.user_id) for p in juniors], [(p.id, p.user_id) for p in seniors]
    )
    # Only people who can take a partner are worth checking.
    junior_of = {emails[p.id]: p.id for p in juniors if free is None or p.id in free}
    senior_of = {emails[p.id]: p.id for p in seniors if free is None or p.id in free}
    for junior, senior in forbidden_pairs_for(junior_of, senior_of):
        found.add((junior_of[junior], senior_of[senior]))
    return found


def skill_names(skill_ids: Iterable[int]) -> dict[int, str]:
    wanted = set(skill_ids)
    if not wanted:
        return {}
    return dict(Skill.objects.filter(pk__in=wanted).values_list("pk", "name"))


def flows_for_display(flows: Iterable[engine.Flow], names: dict[int, str]) -> list[dict]:
    return [
        {
            "skill_id": f.skill_id,
            "skill": names.get(f.skill_id, f"skill {f.skill_id}"),
            "teach": f.teach_level,
            "learn": f.learn_priority,
            "points": f.teach_level * f.learn_priority,
        }
        for f in flows
    ]
