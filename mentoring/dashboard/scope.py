"""Who a dashboard viewer may count: HR sees everyone; a manager sees the people under them
(any number of levels down the reporting line) unless HR made their view programme-wide."""

from __future__ import annotations

from dataclasses import dataclass

from accounts.reporting import reports_under
from accounts.roles import HR, active_role, is_hr
from mentoring.dashboard import cache as dashboard_cache

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


def scope_for(request) -> Scope:
    user = request.user
    if is_hr(user) and active_role(request) == HR:
        return Scope(user_ids=None, names_visible=True, label="the whole programme")
    profile = getattr(user, "profile", None)
    if profile is not None and profile.manager_scope_programme_wide:
        return Scope(user_ids=None, names_visible=False, label="the whole programme")
    return Scope(
        user_ids=_reports_under(user.pk),
        names_visible=False,
        label="people in your part of the organisation",
    )


def _reports_under(manager_id: int) -> frozenset[int]:
    """accounts.reporting.reports_under (a read of every profile), kept until a reporting
    line changes (cache.bump_reporting)."""
    return dashboard_cache.reporting_kept(
        f"reports-under:{manager_id}", lambda: reports_under(manager_id)
    )
