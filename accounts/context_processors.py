from django.http import HttpRequest

from accounts.roles import ROLE_LABELS, active_role, roles_for


def roles(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    held = roles_for(user)
    return {
        "user_roles": [(role, ROLE_LABELS[role]) for role in held],
        "active_role": active_role(request),
    }
