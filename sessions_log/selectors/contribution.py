"""A person's contribution record: what they gave and received in every pairing."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Sum

from pairing.models import Pair
from pairing.selectors import member_of
from sessions_log.models import Reflection, SessionLog
from sessions_log.selectors.history import _skills_each_way
from sessions_log.selectors.members import _pairs


@dataclass
class Contribution:
    """One pairing in a person's contribution record."""

    pair: Pair
    partner: object
    side: str
    sessions: int = 0
    given_minutes: float = 0
    received_minutes: float = 0
    taught: list[str] = field(default_factory=list)
    learned: list[str] = field(default_factory=list)
    thank_you: str = ""

    @property
    def given_hours(self) -> float:
        return round(self.given_minutes / 60, 1)

    @property
    def received_hours(self) -> float:
        return round(self.received_minutes / 60, 1)


def contribution_record(user) -> list[Contribution]:
    """Hours given and received, skills taught each way and the partner's thank-you, for every
    pairing the person has had. No summary or note: only what is the person's own to take."""
    pairs = list(_pairs().filter(member_of(user)).order_by("-published_at"))
    record = {
        pair.pk: Contribution(
            pair=pair,
            partner=pair.partner_of(user),
            side="junior" if pair.junior.user_id == user.pk else "senior",
        )
        for pair in pairs
    }
    # What I give: the junior gives in the reverse direction, the senior in the forward one.
    gives = {pk: ("reverse" if line.side == "junior" else "forward") for pk, line in record.items()}
    for pair_id, direction, minutes, sessions in (
        SessionLog.objects.filter(pair__in=pairs)
        .values("pair_id", "direction")
        .annotate(total=Sum("minutes"), count=Count("pk"))
        .values_list("pair_id", "direction", "total", "count")
    ):
        line = record[pair_id]
        line.sessions += sessions
        if direction == "both":
            line.given_minutes += minutes / 2
            line.received_minutes += minutes / 2
        elif direction == gives[pair_id]:
            line.given_minutes += minutes
        else:
            line.received_minutes += minutes
    each_way = _skills_each_way(list(record))
    for pair_id, thank_you in (
        Reflection.objects.filter(pair__in=pairs)
        .exclude(author=user)
        .exclude(thank_you="")
        .values_list("pair_id", "thank_you")
    ):
        record[pair_id].thank_you = thank_you
    for pk, line in record.items():
        reverse, forward = each_way[pk]
        line.taught, line.learned = (
            (reverse, forward) if line.side == "junior" else (forward, reverse)
        )
    return list(record.values())
