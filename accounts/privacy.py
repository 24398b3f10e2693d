"""The accounts app's share of a person's data (see mentoring/privacy/registry.py).

accounts sits below the core, so it imports nothing of it: the core registers these functions.
"""

from __future__ import annotations

from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction

from accounts.models import Profile, ProfileSkill, User

FORMER_PARTICIPANT = "A former participant"
ERASED_DOMAIN = "erased.invalid"

# (what, fields, who sees it, how long it is kept) for the data inventory.
INVENTORY = (
    (
        "Account",
        "email address, password hash, last login, roles, MFA devices, SSO link",
        "the person; HR (email, roles)",
        "until erased; a purged or erased person keeps an anonymous placeholder with no email",
    ),
    (
        "Profile",
        "full name, employee id, job title, department, location, grade, manager, time zone, hopes",
        "the person; their partner (name, role, department, time zone, skills, hopes); HR",
        "until erased or purged; department and grade stay (no name) so dashboards add up",
    ),
    (
        "Skills",
        "skills to teach (level 1–3) and to learn (priority 1–3)",
        "the person; their partner; HR; managers as counts only",
        "until erased or purged",
    ),
)


def erased_email(user_id: int) -> str:
    return f"former-participant-{user_id}@{ERASED_DOMAIN}"


def is_erased(user: User) -> bool:
    return user.email.endswith("@" + ERASED_DOMAIN)


def export_account(user: User) -> dict:
    profile = Profile.objects.filter(user=user).select_related("manager__profile").first()
    skills = (
        ProfileSkill.objects.filter(profile__user=user)
        .select_related("skill")
        .order_by("kind", "skill__name")
    )
    return {
        "account": {
            "email": user.email,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
            "roles": sorted(user.groups.values_list("name", flat=True)),
        },
        "profile": (
            {
                "full_name": profile.full_name,
                "employee_id": profile.employee_id,
                "job_title": profile.job_title,
                "department": profile.department,
                "location": profile.location,
                "grade": profile.grade,
                "manager": profile.manager.full_name if profile.manager else None,
                "timezone": profile.timezone,
                "hopes": profile.hopes,
                "nudges_enabled": profile.nudges_enabled,
            }
            if profile
            else None
        ),
        "skills": [
            {"skill": held.skill.name, "kind": held.kind, "level": held.level} for held in skills
        ],
    }


def count_account(user: User) -> dict[str, int]:
    return {
        "account and sign-in details": 1,
        "profile": Profile.objects.filter(user=user).count(),
        "skills": ProfileSkill.objects.filter(profile__user=user).count(),
    }


def _optional_model(label: str):
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def erase_account(user: User, erasure) -> None:
    """The row stays as an anonymous placeholder (enrolments, pairs and session minutes point
    at it, so dashboards still add up); nothing on it names the person."""
    ProfileSkill.objects.filter(profile__user=user).delete()
    profile = Profile.objects.filter(user=user).first()
    if profile is not None:
        profile.full_name = FORMER_PARTICIPANT
        profile.employee_id = ""
        profile.job_title = ""
        profile.location = ""
        profile.hopes = ""
        profile.manager = None
        profile.nudges_enabled = False
        profile.manager_scope_programme_wide = False
        profile.save()
    for label in ("account.EmailAddress", "socialaccount.SocialAccount", "mfa.Authenticator"):
        model = _optional_model(label)
        if model is not None:
            model.objects.filter(user=user).delete()
    _end_sessions(user.pk)
    user.groups.clear()
    user.user_permissions.clear()
    user.email = erased_email(user.pk)
    user.set_unusable_password()
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.last_login = None
    user.save()
    _scrub_admin_log(user, erasure)


def _end_sessions(user_id: int) -> None:
    # Sessions are signed blobs keyed by nothing we can filter on: decode each (rare action).
    doomed = [
        session.pk
        for session in Session.objects.iterator()
        if session.get_decoded().get("_auth_user_id") == str(user_id)
    ]
    Session.objects.filter(pk__in=doomed).delete()
    # The session engine may keep a copy of each in the cache (mentoring.lib.sessions), which
    # deleting rows leaves behind: the engine deletes both. Again once the erasure commits, as
    # a request reading a row before then may have cached it anew.
    store = import_module(settings.SESSION_ENGINE).SessionStore

    def forget() -> None:
        for key in doomed:
            store(session_key=key).delete()

    forget()
    transaction.on_commit(forget)


def _scrub_admin_log(user: User, erasure) -> None:
    log_entry = _optional_model("admin.LogEntry")
    if log_entry is None:
        return
    for entry in log_entry.objects.only("pk", "object_repr", "change_message").iterator():
        repr_, message = erasure.scrub(entry.object_repr), erasure.scrub(entry.change_message)
        if (repr_, message) != (entry.object_repr, entry.change_message):
            log_entry.objects.filter(pk=entry.pk).update(object_repr=repr_, change_message=message)
