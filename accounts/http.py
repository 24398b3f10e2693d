"""The request of a view that only a signed-in person can reach."""

from __future__ import annotations

from accounts.models import User
from mentoring.lib.http import HtmxHttpRequest


class AuthenticatedHttpRequest(HtmxHttpRequest):
    """Annotate views behind `login_required` (or a decorator built on it) with this type:
    the middleware has resolved `request.user` to a real `User`, never `AnonymousUser`."""

    user: User
