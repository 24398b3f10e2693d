"""The shortlist (DESIGN.md "Preferences"): suggestions, marks, reminders and demand.

Each participant sees up to five eligible partners, the engine's best for them (reporting
lines, HR's excludes, never-again pairs and the cohort's rules respected), with the board's
explanation. Their marks feed pairing exactly: "rather not" is an exclusion, each "I'd like"
adds the cohort's preference weight to the pair's score (rules_snapshot / engine_rules)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from mentoring import outbox
from mentoring.models import Cohort, Enrolment, OutboxMessage
from pairing import engine
from pairing.models import Pair, Shortlist, ShortlistLook, Suggestion

SUGGESTIONS = 5
MAX_DAYS = 60
OPENED = "shortlist_opened"
REMINDER = "shortlist_reminder"


class ShortlistRefused(Exception):
    """The change cannot be made; the message says why and nothing changed."""


@transaction.atomic
def shortlist_open(*, cohort: Cohort, days: int, by, now: datetime | None = None) -> Shortlist:
    """Open (or extend) the cohort's shortlist for ``days`` and tell every participant once."""
    now = now or timezone.now()
    if cohort.archived_at or cohort.status in (Cohort.Status.DRAFT, Cohort.Status.CLOSED):
        raise ShortlistRefused("Open a shortlist once the cohort is enrolling, before pairing.")
    if not 1 <= days <= MAX_DAYS:
        raise ShortlistRefused(f"Open it for 1 to {MAX_DAYS} days.")
    shortlist, _ = Shortlist.objects.update_or_create(
        cohort=cohort, defaults={"closes_at": now + timedelta(days=days), "opened_by": by}
    )
    outbox.schedule_many(
        outbox.Planned(
            recipient_id=user_id,
            kind=OPENED,
            due_at=now,
            dedupe_key=f"{OPENED}:{shortlist.pk}:{pk}",
            payload={"enrolment": pk},
        )
        for pk, user_id in _active(cohort).values_list("pk", "user_id")
    )
    queue_prepare(shortlist)
    return shortlist


def queue_prepare(shortlist: Shortlist) -> None:
    """One engine evaluation per candidate per person takes seconds in a large cohort: a task
    works out everyone's suggestions, on the pairing queue (settings.CELERY_TASK_ROUTES)."""
    from pairing.tasks import shortlist_prepare as task  # tasks import this module

    pk = shortlist.pk
    transaction.on_commit(lambda: task.delay(pk))


def shortlist_close(*, shortlist: Shortlist, now: datetime | None = None) -> Shortlist:
    """Marks made so far stay and still count; nobody can change them any more."""
    shortlist.closes_at = min(shortlist.closes_at, now or timezone.now())
    shortlist.save(update_fields=["closes_at"])
    return shortlist


def _active(cohort: Cohort):
    return Enrolment.objects.filter(cohort=cohort, status=Enrolment.Status.ACTIVE)


def reminders_send(*, shortlist: Shortlist, now: datetime | None = None) -> int:
    """One reminder to each participant who has not looked yet (the dedupe key makes it
    once, however often HR clicks). Returns how many were newly queued."""
    now = now or timezone.now()
    if not shortlist.is_open(now):
        raise ShortlistRefused("The shortlist is closed; there is nothing to remind about.")
    looked = ShortlistLook.objects.filter(shortlist=shortlist).values("enrolment_id")
    due = list(_active(shortlist.cohort).exclude(pk__in=looked).values_list("pk", "user_id"))
    keys = [f"{REMINDER}:{shortlist.pk}:{pk}" for pk, _ in due]

    before = OutboxMessage.objects.filter(dedupe_key__in=keys).count()
    outbox.schedule_many(
        outbox.Planned(
            recipient_id=user_id,
            kind=REMINDER,
            due_at=now,
            dedupe_key=key,
            payload={"enrolment": pk},
        )
        for (pk, user_id), key in zip(due, keys, strict=True)
    )
    return len(due) - before


# ---- The participant ---------------------------------------------------------------------


def shortlist_prepare(*, shortlist: Shortlist, now: datetime | None = None) -> int:
    """Work out the suggestions of every active participant who has not looked yet (those
    who looked keep what they saw and marked). Returns how many people were prepared."""
    now = now or timezone.now()
    cohort = shortlist.cohort
    looked = ShortlistLook.objects.filter(shortlist=shortlist).values("enrolment_id")
    waiting = list(_active(cohort).exclude(pk__in=looked))
    best = _best_for_each(cohort, waiting)
    with transaction.atomic():
        # Only the unseen are replaced: someone who looked meanwhile keeps what they saw.
        unseen = set(
            _active(cohort)
            .filter(pk__in=[e.pk for e in waiting])
            .exclude(
                pk__in=ShortlistLook.objects.filter(shortlist=shortlist).values("enrolment_id")
            )
            .values_list("pk", flat=True)
        )
        Suggestion.objects.filter(shortlist=shortlist, chooser_id__in=unseen).delete()
        Suggestion.objects.bulk_create(
            Suggestion(shortlist=shortlist, chooser_id=pk, **row)
            for pk in unseen
            for row in best.get(pk, [])
        )
        Shortlist.objects.filter(pk=shortlist.pk).update(prepared_at=now)
    shortlist.prepared_at = now
    return len(unseen)


def is_prepared(shortlist: Shortlist, enrolment: Enrolment) -> bool:
    """The person's suggestions are ready: they looked already, or the task ran after they
    joined the cohort."""
    if ShortlistLook.objects.filter(shortlist=shortlist, enrolment=enrolment).exists():
        return True
    return shortlist.prepared_at is not None and shortlist.prepared_at >= enrolment.created_at


def suggestions_for(*, shortlist: Shortlist, enrolment: Enrolment) -> list[Suggestion]:
    """The person's suggestions as prepared, fixed from their first look on, so what they
    marked stays what they saw. Call only once :func:`is_prepared` says so."""
    ShortlistLook.objects.get_or_create(shortlist=shortlist, enrolment=enrolment)
    return list(_suggestions(shortlist, enrolment))


def _suggestions(shortlist: Shortlist, enrolment: Enrolment):
    return Suggestion.objects.filter(shortlist=shortlist, chooser=enrolment).select_related(
        "candidate__user__profile"
    )


def _best_for_each(cohort: Cohort, enrolments: list[Enrolment]) -> dict[int, list[dict]]:
    """Enrolment id -> its suggestion rows: people, rules and weights loaded once."""
    from pairing.services.inputs import (
        engine_rules,
        flows_for_display,
        load_people,
        rules_snapshot,
        skill_names,
        weights_from,
    )

    if not enrolments:
        return {}
    people = load_people(cohort)
    weights = weights_from(cohort.weights)
    rules = engine_rules(rules_snapshot(cohort), people)
    taken = set(
        Pair.objects.filter(cohort=cohort, status=Pair.Status.ACTIVE).values_list(
            "junior_id", "senior_id"
        )
    )
    chosen: dict[int, list[engine.Proposal]] = {}
    for enrolment in enrolments:
        me = people.by_id.get(enrolment.pk)
        if me is None:
            continue
        junior_side = enrolment.side == Enrolment.Side.JUNIOR
        found = []
        for other in people.seniors if junior_side else people.juniors:
            junior, senior = (me, other) if junior_side else (other, me)
            if (junior.id, senior.id) in taken or not _may_help(junior, senior):
                continue
            proposal, breaks = engine.evaluate(junior, senior, weights=weights, rules=rules)
            if not breaks:
                found.append(proposal)
        found.sort(key=lambda p: (-p.score, p.senior_id if junior_side else p.junior_id))
        chosen[enrolment.pk] = found[:SUGGESTIONS]
    names = skill_names(
        f.skill_id
        for best in chosen.values()
        for p in best
        for f in (*p.reverse_flows, *p.forward_flows)
    )
    return {
        pk: [
            {
                "candidate_id": p.junior_id if p.senior_id == pk else p.senior_id,
                "rank": rank,
                "score": p.score,
                "reverse_flows": flows_for_display(p.reverse_flows, names),
                "forward_flows": flows_for_display(p.forward_flows, names),
            }
            for rank, p in enumerate(best, start=1)
        ]
        for pk, best in chosen.items()
    }


def _may_help(junior: engine.Person, senior: engine.Person) -> bool:
    # Cheap first cut: without a skill flowing from junior to senior no pair is eligible.
    return bool(junior.teach.keys() & senior.learn.keys())


@transaction.atomic
def mark_set(*, suggestion: Suggestion, mark: str, now: datetime | None = None) -> Suggestion:
    now = now or timezone.now()
    if mark not in Suggestion.Mark.values:
        raise ShortlistRefused("Choose “I'd like”, “rather not” or no mark.")
    if not suggestion.shortlist.is_open(now):
        raise ShortlistRefused("The shortlist has closed; your marks are kept as they were.")
    suggestion.mark, suggestion.marked_at = mark, now
    suggestion.save(update_fields=["mark", "marked_at"])
    return suggestion


# ---- What pairing uses ------------------------------------------------------------------


@dataclass(frozen=True)
class Marks:
    """The cohort's marks as pairs (junior id, senior id)."""

    rather_not: frozenset[tuple[int, int]]
    likes: dict[tuple[int, int], int]  # 1 or 2 (mutual)


def cohort_marks(cohort_id: int) -> Marks:
    rows = Suggestion.objects.filter(shortlist__cohort_id=cohort_id).exclude(mark="")
    rather_not: set[tuple[int, int]] = set()
    likes: dict[tuple[int, int], int] = {}
    for chooser, candidate, side, mark in rows.values_list(
        "chooser_id", "candidate_id", "chooser__side", "mark"
    ):
        pair = (chooser, candidate) if side == Enrolment.Side.JUNIOR else (candidate, chooser)
        if mark == Suggestion.Mark.RATHER_NOT:
            rather_not.add(pair)
        else:
            likes[pair] = likes.get(pair, 0) + 1
    return Marks(rather_not=frozenset(rather_not), likes=likes)


def wishes_for_pairs(
    cohort_id: int, pairs: list[tuple[int, int]]
) -> dict[tuple[str, int, int], str]:
    """For HR's board: (mark, junior id, senior id) -> "both" | "junior" | "senior" (who marked
    the pair "like" or "rather_not")."""
    wanted = set(pairs)
    found: dict[tuple[str, int, int], set[str]] = {}
    rows = Suggestion.objects.filter(shortlist__cohort_id=cohort_id).exclude(mark="")
    for chooser, candidate, side, mark in rows.values_list(
        "chooser_id", "candidate_id", "chooser__side", "mark"
    ):
        pair = (chooser, candidate) if side == Enrolment.Side.JUNIOR else (candidate, chooser)
        if pair in wanted:
            found.setdefault((mark, *pair), set()).add(side)
    return {key: "both" if len(sides) == 2 else next(iter(sides)) for key, sides in found.items()}


def wish_for_viewer(pair: Pair, viewer) -> str:
    """What a pair member may read about marks: "both" when each asked for the other, "you"
    when the viewer asked; never the partner's mark alone."""
    you_are_junior = pair.junior.user_id == viewer.pk
    mine, theirs = (pair.junior_id, pair.senior_id)[:: 1 if you_are_junior else -1]
    marks = dict(
        Suggestion.objects.filter(
            Q(chooser_id=mine, candidate_id=theirs) | Q(chooser_id=theirs, candidate_id=mine),
            shortlist__cohort_id=pair.cohort_id,
            mark="like",
        ).values_list("chooser_id", "mark")
    )
    if mine in marks and theirs in marks:
        return "both"
    return "you" if mine in marks else ""


@dataclass(frozen=True)
class Demand:
    participants: int
    looked: int
    likes: int
    rather_nots: int
    published_pairs: int
    wanted_pairs: int

    @property
    def wanted_share(self) -> int | None:
        if not self.published_pairs:
            return None
        return round(100 * self.wanted_pairs / self.published_pairs)


def demand(cohort: Cohort) -> Demand:
    """HR's view: how many looked, how many marks of each kind, and the share of published
    pairs that at least one side asked for. Counts only: never who marked whom."""
    shortlist = Shortlist.objects.filter(cohort=cohort).first()
    marks = cohort_marks(cohort.pk)
    pairs = list(
        Pair.objects.filter(
            cohort=cohort, status=Pair.Status.ACTIVE, published_at__isnull=False
        ).values_list("junior_id", "senior_id")
    )
    return Demand(
        participants=_active(cohort).count(),
        looked=ShortlistLook.objects.filter(shortlist=shortlist).count() if shortlist else 0,
        likes=sum(marks.likes.values()),
        rather_nots=Suggestion.objects.filter(
            shortlist__cohort=cohort, mark=Suggestion.Mark.RATHER_NOT
        ).count(),
        published_pairs=len(pairs),
        wanted_pairs=sum(1 for pair in pairs if pair in marks.likes),
    )
