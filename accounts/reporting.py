"""Reporting lines: who is above whom. The one walk of the manager links, cycle-safe and capped,
for the pairing rule (nobody is paired with anyone in their manager chain), the manager's
dashboard scope (everyone under them) and the staff import's loop check."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

from accounts.models import Profile

# Reporting lines deeper than this are data errors, not organisations.
MAX_LEVELS = 100


def chain_above(user_id: int, boss_of: Mapping[int, int]) -> list[int]:
    """Everyone above ``user_id``, nearest first; a loop in the data ends the walk."""
    above: list[int] = []
    seen = {user_id}
    current = boss_of.get(user_id)
    while current is not None and current not in seen and len(above) < MAX_LEVELS:
        above.append(current)
        seen.add(current)
        current = boss_of.get(current)
    return above


def _boss_of() -> dict[int, int]:
    return dict(Profile.objects.filter(manager__isnull=False).values_list("user_id", "manager_id"))


def manager_chains(user_ids: Iterable[int]) -> dict[int, frozenset[int]]:
    """Everyone above each person, any number of levels, from one query over all profiles."""
    boss_of = _boss_of()
    return {user_id: frozenset(chain_above(user_id, boss_of)) for user_id in user_ids}


def reports_under(manager_id: int) -> frozenset[int]:
    """Everyone whose reporting line leads up to this manager, from one query over all
    profiles, at most MAX_LEVELS levels down."""
    children: dict[int, list[int]] = defaultdict(list)
    for user_id, boss_id in _boss_of().items():
        children[boss_id].append(user_id)
    seen: set[int] = set()
    level = [manager_id]
    for _ in range(MAX_LEVELS):
        level = [
            child
            for boss in level
            for child in children.get(boss, ())
            if child not in seen and child != manager_id
        ]
        if not level:
            break
        seen.update(level)
    return frozenset(seen)
