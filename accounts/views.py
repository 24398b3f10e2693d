from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.account.utils import perform_login
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.encoding import force_str
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_decode
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.completion import completion_percent, profile_missing
from accounts.forms import (
    AccountTimezoneForm,
    ProfileForm,
    SkillAddForm,
    SkillLevelForm,
    level_choices,
)
from accounts.http import AuthenticatedHttpRequest
from accounts.models import ProfileSkill, Skill, User, skill_key
from accounts.roles import ROLE_LABELS, set_active_role
from accounts.services import (
    SkillRefused,
    invitation_accept,
    profile_for,
    profile_skill_add,
    profile_skill_set_level,
)
from accounts.taxonomy import near_duplicates, resolve_skill
from accounts.tokens import invitation_token
from mentoring.lib.http import HtmxHttpRequest


def _invited_user(uidb64: str, token: str) -> User | None:
    try:
        user = User.objects.get(pk=int(force_str(urlsafe_base64_decode(uidb64))))
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        return None
    return user if invitation_token.check_token(user, token) else None


@require_http_methods(["GET", "HEAD", "POST"])
def accept_invite(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    user = _invited_user(uidb64, token)
    if user is None:
        return render(request, "accounts/invite_invalid.html", status=400)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        invitation_accept(user=user, password=form.cleaned_data["new_password1"])
        messages.success(
            request,
            "Welcome to Twoway. Your password is set. Now tell us what "
            "you can teach and what you want to learn.",
        )
        return perform_login(
            request, user, email_verification="none", redirect_url=reverse("accounts:profile")
        )
    return render(
        request,
        "accounts/accept_invite.html",
        {
            "form": form,
            "invited": user,
            "enrolments": user.enrolments.filter(status="active").select_related(
                "cohort__programme"
            ),
            "sso_enabled": bool(getattr(settings, "OIDC_CLIENT_ID", "")),
        },
    )


@login_required
@require_POST
def switch_role(request: AuthenticatedHttpRequest) -> HttpResponse:
    role = request.POST.get("role", "")
    if set_active_role(request, role):
        messages.info(request, f"You are now working as {ROLE_LABELS[role]}.")
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
        next_url = "/"
    return redirect(next_url)


# --- The participant's own profile and skills -----------------------------------------------

SKILL_KINDS = (ProfileSkill.Kind.TEACH, ProfileSkill.Kind.LEARN)


def _skill_block(profile, kind: str, *, query: str = "", error: str = "") -> dict:
    """What one skills panel (teach or learn) shows: the person's skills, and matches."""
    held = [
        ps
        for ps in profile.skills.select_related("skill").order_by("-level", "skill__name")
        if ps.kind == kind
    ]
    results, exact, near = [], False, []
    key = skill_key(query)
    if key:
        held_ids = {ps.skill_id for ps in held}
        found = list(Skill.objects.filter(key__contains=key).order_by("name")[:40])
        found.sort(key=lambda s: (not s.key.startswith(key), s.name.casefold()))
        exact = any(s.key == key for s in found)
        meant = None if exact else resolve_skill(query)  # a synonym is its skill
        if meant is not None:
            found.insert(0, meant)
            exact = True
        elif not exact:
            # Offer the skill that is probably meant before a near-duplicate is added.
            near = near_duplicates([query]).get(query, [])
            found = near + [s for s in found if s not in near]
        results = [s for s in dict.fromkeys(found) if s.pk not in held_ids][:10]
        near = [s for s in near if s in results]
    return {
        "kind": kind,
        "label": ProfileSkill.Kind(kind).label,
        "held": held,
        "levels": level_choices(kind),
        "query": " ".join(query.split())[:60],
        "results": results,
        "exact": exact,
        "near": near,
        "searched": bool(key),
        "error": error,
    }


def _profile_context(request: HttpRequest, profile, form, **blocks) -> dict:
    skills: dict[str, dict] = {
        kind: blocks.get(kind) or _skill_block(profile, kind) for kind in SKILL_KINDS
    }
    missing = profile_missing(
        profile, has_teach=bool(skills["teach"]["held"]), has_learn=bool(skills["learn"]["held"])
    )
    return {
        "form": form,
        "profile": profile,
        "teach": skills["teach"],
        "learn": skills["learn"],
        "missing": missing,
        "completion": completion_percent(missing),
    }


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    person = profile_for(request.user)
    form = ProfileForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your profile is saved.")
        return redirect("accounts:profile")
    if request.method == "POST":
        person = profile_for(request.user)  # the page shows what is saved, the form what was typed
    return render(request, "accounts/profile.html", _profile_context(request, person, form))


@login_required
@require_safe
def skill_search(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Search-as-you-type over the taxonomy; without JavaScript the whole page comes back."""
    person = profile_for(request.user)
    kind = request.GET.get("kind", "")
    if kind not in SKILL_KINDS:
        return redirect("accounts:profile")
    block = _skill_block(person, kind, query=request.GET.get("q", "")[:100])
    if request.htmx:
        return render(request, "accounts/profile.html#skill_results", {"block": block})
    return render(
        request,
        "accounts/profile.html",
        _profile_context(request, person, ProfileForm(instance=person), **{kind: block}),
    )


def _skills_response(
    request: HtmxHttpRequest, person, kind: str, *, error: str = ""
) -> HttpResponse:
    # htmx swaps only 2xx answers, so a refusal comes back as the panel with its message.
    if request.htmx:
        return render(
            request,
            "accounts/profile.html#skills",
            {"block": _skill_block(person, kind, error=error), "oob_results": True},
        )
    if error:
        messages.error(request, error)
    return redirect(f"{reverse('accounts:profile')}#skills-{kind}")


@login_required
@require_POST
def skill_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    person = profile_for(request.user)
    form = SkillAddForm(request.POST)
    kind = request.POST.get("kind", "")
    if kind not in SKILL_KINDS:
        kind = "teach"
    if not form.is_valid():
        return _skills_response(
            request,
            person,
            kind,
            error=" ".join(str(e) for errs in form.errors.values() for e in errs),
        )
    data = form.cleaned_data
    skill = Skill.objects.filter(pk=data["skill"]).first() if data["skill"] else None
    if data["skill"] and skill is None:
        return _skills_response(request, person, kind, error="That skill is gone; search again.")
    try:
        profile_skill_add(
            profile=person,
            kind=kind,
            level=data["level"] or 2,
            skill=skill,
            name=data["name"] or "",
        )
    except SkillRefused as refusal:
        return _skills_response(request, person, kind, error=str(refusal))
    return _skills_response(request, person, kind)


def _own_skill(request: HttpRequest, pk: int):
    return get_object_or_404(
        ProfileSkill.objects.select_related("profile"), pk=pk, profile__user=request.user
    )


@login_required
@require_POST
def skill_level(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    held = _own_skill(request, pk)
    form = SkillLevelForm(request.POST)
    if not form.is_valid():
        return _skills_response(request, held.profile, held.kind, error="The level is 1, 2 or 3.")
    profile_skill_set_level(profile_skill=held, level=form.cleaned_data["level"])
    return _skills_response(request, held.profile, held.kind)


@login_required
@require_POST
def skill_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    held = _own_skill(request, pk)
    person, kind = held.profile, held.kind
    held.delete()
    return _skills_response(request, person, kind)


# --- The account page: one place for sign-in, security, notifications and data ------------


def _two_factor(user: User) -> dict:
    from allauth.mfa.models import Authenticator

    kinds = {a.type: a for a in Authenticator.objects.filter(user=user)}
    codes = kinds.get(Authenticator.Type.RECOVERY_CODES)
    unused = None
    if codes is not None:
        unused = len(codes.wrap().get_unused_codes())
    return {
        "totp": Authenticator.Type.TOTP in kinds,
        "recovery_codes": codes is not None,
        "unused_codes": unused,
    }


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def account(request: AuthenticatedHttpRequest) -> HttpResponse:
    person = profile_for(request.user)
    form = AccountTimezoneForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Your time zone is now {form.cleaned_data['timezone']}.")
        return redirect("accounts:account")
    return render(
        request,
        "accounts/account.html",
        {
            "profile": profile_for(request.user) if request.method == "POST" else person,
            "timezone_form": form,
            "emails": EmailAddress.objects.filter(user=request.user).order_by("-primary", "email"),
            "has_password": request.user.has_usable_password(),
            "two_factor": _two_factor(request.user),
        },
    )
