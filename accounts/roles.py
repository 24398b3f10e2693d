"""Who may do what. A person can hold several roles and switch between them."""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.http import HttpRequest

from accounts.models import HR_ADMIN, MANAGER, User

HR = "hr"
MANAGER_ROLE = "manager"
PARTICIPANT = "participant"
ROLE_LABELS = {HR: "HR admin", MANAGER_ROLE: "Manager", PARTICIPANT: "Participant"}
_SESSION_KEY = "twoway_active_role"


def roles_for(user) -> list[str]:
    """The roles this user holds, in the order their home pages are offered."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_twoway_roles", None)
    if cached is not None:
        return cached
    # One query on every page: the person's groups (a row each, or one row of None) and
    # whether they take part in a cohort now.
    taking_part = User.objects.filter(pk=OuterRef("pk"), enrolments__status="active")
    rows = User.objects.filter(pk=user.pk).values_list("groups__name", Exists(taking_part))
    groups = {name for name, _ in rows}
    roles = []
    if HR_ADMIN in groups:
        roles.append(HR)
    if MANAGER in groups:
        roles.append(MANAGER_ROLE)
    if any(participant for _, participant in rows):
        roles.append(PARTICIPANT)
    user._twoway_roles = roles
    return roles


def is_hr(user) -> bool:
    return HR in roles_for(user)


def is_manager(user) -> bool:
    return MANAGER_ROLE in roles_for(user)


def active_role(request: HttpRequest) -> str | None:
    roles = roles_for(request.user)
    if not roles:
        return None
    chosen = request.session.get(_SESSION_KEY)
    return chosen if chosen in roles else roles[0]


def set_active_role(request: HttpRequest, role: str) -> bool:
    if role not in roles_for(request.user):
        return False
    request.session[_SESSION_KEY] = role
    return True
