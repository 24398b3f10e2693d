from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.http import HttpRequest


class InviteOnlyAccountAdapter(DefaultAccountAdapter):
    """Nobody signs themselves up: HR invites people, who accept through their emailed link."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False


class InviteOnlySocialAccountAdapter(DefaultSocialAccountAdapter):
    """SSO logs in people HR has already invited (matched on their verified email); it never
    creates an account of its own."""

    def is_open_for_signup(self, request: HttpRequest, sociallogin) -> bool:
        return False
