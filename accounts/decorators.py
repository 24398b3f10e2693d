from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from accounts.roles import is_hr, is_manager


def hr_required(view: Callable) -> Callable:
    """Only HR admins; everybody else gets 403 (anonymous users are sent to log in)."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_hr(request.user):
            raise PermissionDenied("Only HR admins can open this page.")
        return view(request, *args, **kwargs)

    return wrapped


def hr_or_manager_required(view: Callable) -> Callable:
    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not (is_hr(request.user) or is_manager(request.user)):
            raise PermissionDenied("Only HR admins and managers can open this page.")
        return view(request, *args, **kwargs)

    return wrapped
