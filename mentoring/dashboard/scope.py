"""Who a dashboard viewer may count: HR sees everyone; a manager sees the people under them
(any number of levels down the reporting line) unless HR made their view programme-wide."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from accounts.models import Profile
from accounts.roles import HR, active_role, is_hr

# Any aggregate over fewer people than this is hidden from managers (DESIGN.md privacy rules).
MIN_GROUP = 5


@dataclass(frozen=True)
class Scope:
    user_ids: frozenset[int] | None  # None: the whole programme
    names_visible: bool  # HR sees who is at risk; managers see counts only
    label: str

    @property
    def suppresses(self) -> bool:
        return not self.names_visible


def reports_under(manager_id: int) -> frozenset[int]:
    """Everyone whose reporting line leads up to this manager: one query, walked in memory."""
    children: dict[int, list[int]] = defaultdict(list)
    for user_id, boss_id in Profile.objects.filter(manager__isnull=False).values_list(
        "user_id", "manager_id"
    ):
        children[boss_id].append(user_id)
    seen: set[int] = set()
    stack = list(children.get(manager_id, ()))
    while stack:
        user_id = stack.pop()
        if user_id in seen or user_id == manager_id:
            continue
        seen.add(user_id)
        stack.extend(children.get(user_id, ()))
    return frozenset(seen)


def scope_for(request) -> Scope:
    user = request.user
    if is_hr(user) and active_role(request) == HR:
        return Scope(user_ids=None, names_visible=True, label="the whole programme")
    profile = getattr(user, "profile", None)
    if profile is not None and profile.manager_scope_programme_wide:
        return Scope(user_ids=None, names_visible=False, label="the whole programme")
    return Scope(
        user_ids=reports_under(user.pk),
        names_visible=False,
        label="people in your part of the organisation",
    )
