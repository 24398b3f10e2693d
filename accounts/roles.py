"""Who may do what. A person can hold several roles and switch between them."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db.models import BooleanField, Exists, OuterRef, QuerySet
from django.db.models.expressions import RawSQL
from django.http import HttpRequest

from accounts.models import HR_ADMIN, MANAGER, User

HR = "hr"
MANAGER_ROLE = "manager"
PARTICIPANT = "participant"
ROLE_LABELS = {HR: "HR admin", MANAGER_ROLE: "Manager", PARTICIPANT: "Participant"}
_SESSION_KEY = "twoway_active_role"


def _taking_part() -> Exists:
    return Exists(User.objects.filter(pk=OuterRef("pk"), enrolments__status="active"))


def _flag(sql: str, param: str) -> RawSQL:
    return RawSQL(sql, [param], output_field=BooleanField())  # noqa: S611 - no input in sql


def with_roles(users: QuerySet[User]) -> QuerySet[User]:
    """``users`` read with what roles_for needs, so that it runs no query of its own: the
    signed-in person is read this way on every page (accounts.backends).

    Written as SQL: compiling the same three EXISTS from querysets cost more CPU than the
    query they save (about 1 ms against 0.1 ms on every page)."""
    user = User._meta.db_table
    member = User.groups.through._meta.db_table
    group = Group._meta.db_table
    # Through the reverse relation: accounts does not import the core's Enrolment.
    enrolment = User._meta.get_field("enrolments").related_model._meta.db_table
    # Table names from the models' own meta; the values are parameters.
    in_group = (
        f"EXISTS (SELECT 1 FROM {member} m JOIN {group} g ON g.id = m.group_id "  # noqa: S608
        f"WHERE m.user_id = {user}.id AND g.name = %s)"
    )
    enrolled = (
        f"EXISTS (SELECT 1 FROM {enrolment} e "  # noqa: S608
        f"WHERE e.user_id = {user}.id AND e.status = %s)"
    )
    return users.annotate(
        holds_hr_admin=_flag(in_group, HR_ADMIN),
        holds_manager=_flag(in_group, MANAGER),
        takes_part=_flag(enrolled, "active"),
    )


def roles_for(user) -> list[str]:
    """The roles this user holds, in the order their home pages are offered."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_twoway_roles", None)
    if cached is not None:
        return cached
    if hasattr(user, "takes_part"):  # read through with_roles
        hr, manager, participant = user.holds_hr_admin, user.holds_manager, user.takes_part
    else:
        # The person's groups (a row each, or one row of None) and whether they take part in
        # a cohort now, in one query.
        rows = User.objects.filter(pk=user.pk).values_list("groups__name", _taking_part())
        groups = {name for name, _ in rows}
        hr, manager = HR_ADMIN in groups, MANAGER in groups
        participant = any(taking_part for _, taking_part in rows)
    roles = []
    if hr:
        roles.append(HR)
    if manager:
        roles.append(MANAGER_ROLE)
    if participant:
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
