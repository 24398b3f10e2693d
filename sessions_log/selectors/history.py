"""A pair's logged sessions as one partner sees them (with their own private notes only), and
the two-way balance of time and skills."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum, Value

from accounts.models import User
from pairing.models import Pair
from sessions_log.models import PrivateNote, SessionLog

HISTORY_LIMIT = 50


@dataclass(frozen=True)
class HistoryEntry:
    """A logged session as one partner sees it: with their own private note, never the
    other's."""

    log: SessionLog
    my_note: PrivateNote | None
    mine: bool  # the viewer logged it, so may edit or delete it
    reverse_skill_names: list[str]
    forward_skill_names: list[str]


def session_history(pair: Pair, viewer: User, limit: int = HISTORY_LIMIT) -> list[HistoryEntry]:
    logs = list(
        SessionLog.objects.filter(pair=pair)
        .select_related("logged_by__profile")
        .order_by("-held_on", "-pk")[:limit]
    )
    log_ids = [log.pk for log in logs]
    notes = {
        note.session_log_id: note
        for note in PrivateNote.objects.filter(author=viewer, session_log_id__in=log_ids)
    }
    names = _skill_names_each_way(
        lambda through: through.objects.filter(sessionlog_id__in=log_ids),
        "sessionlog_id",
    )
    return [
        HistoryEntry(
            log,
            notes.get(log.pk),
            log.logged_by_id == viewer.pk,
            *names.get(log.pk, ([], [])),
        )
        for log in logs
    ]


def _skill_names_each_way(rows_of, group: str) -> dict[int, tuple[list[str], list[str]]]:
    """Skill names covered junior → senior and senior → junior, grouped by ``group`` (a
    lookup on the through rows): one query for both directions."""
    found: dict[int, tuple[set[str], set[str]]] = {}
    reverse, forward = (
        rows_of(getattr(SessionLog, f"skills_{way}").through)
        .annotate(way=Value(index))
        .values_list(group, "skill__name", "way")
        for index, way in enumerate(("reverse", "forward"))
    )
    for key, name, index in reverse.union(forward):
        found.setdefault(key, (set(), set()))[index].add(name)
    return {key: (sorted(rev), sorted(fwd)) for key, (rev, fwd) in found.items()}


@dataclass
class Balance:
    reverse_minutes: float = 0
    forward_minutes: float = 0
    sessions: int = 0
    reverse_skills: list[str] = field(default_factory=list)
    forward_skills: list[str] = field(default_factory=list)

    @property
    def total_minutes(self) -> float:
        return self.reverse_minutes + self.forward_minutes

    @property
    def reverse_share(self) -> int:
        """Per cent of the time spent with the junior teaching."""
        return round(100 * self.reverse_minutes / self.total_minutes) if self.total_minutes else 0

    @property
    def forward_share(self) -> int:
        return 100 - self.reverse_share if self.total_minutes else 0

    @property
    def reverse_hours(self) -> float:
        return round(self.reverse_minutes / 60, 1)

    @property
    def forward_hours(self) -> float:
        return round(self.forward_minutes / 60, 1)


def balance(pair: Pair) -> Balance:
    """Two-way balance: minutes each way, a session "both ways" counting half to each."""
    totals = SessionLog.objects.filter(pair=pair).aggregate(
        reverse=Sum("minutes", filter=Q(direction="reverse"), default=0),
        forward=Sum("minutes", filter=Q(direction="forward"), default=0),
        both=Sum("minutes", filter=Q(direction="both"), default=0),
        sessions=Count("pk"),
    )
    result = Balance(
        reverse_minutes=totals["reverse"] + totals["both"] / 2,
        forward_minutes=totals["forward"] + totals["both"] / 2,
        sessions=totals["sessions"],
    )
    result.reverse_skills, result.forward_skills = _skills_each_way([pair.pk])[pair.pk]
    return result


def balance_of(history: list[HistoryEntry]) -> Balance:
    """The balance of a pair whose whole history is already read (fewer sessions than the
    history shows): the same figures as ``balance``, without reading the logs again."""
    result = Balance(sessions=len(history))
    reverse: set[str] = set()
    forward: set[str] = set()
    for entry in history:
        minutes, direction = entry.log.minutes, entry.log.direction
        if direction == SessionLog.Direction.REVERSE:
            result.reverse_minutes += minutes
        elif direction == SessionLog.Direction.FORWARD:
            result.forward_minutes += minutes
        else:
            result.reverse_minutes += minutes / 2
            result.forward_minutes += minutes / 2
        reverse.update(entry.reverse_skill_names)
        forward.update(entry.forward_skill_names)
    result.reverse_skills, result.forward_skills = sorted(reverse), sorted(forward)
    return result


def _skills_each_way(pair_ids: list[int]) -> dict[int, tuple[list[str], list[str]]]:
    """Per pair, the names of the skills covered junior → senior and senior → junior."""
    names = _skill_names_each_way(
        lambda through: through.objects.filter(sessionlog__pair_id__in=pair_ids),
        "sessionlog__pair_id",
    )
    return {pk: names.get(pk, ([], [])) for pk in pair_ids}
