from __future__ import annotations

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import Profile, ProfileSkill, Skill, User, skill_key
from accounts.taxonomy import resolve_skill
from accounts.tokens import invitation_token


def invitation_url(user: User) -> str:
    """The absolute sign-in link that an invitation email carries."""
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    path = reverse("accounts:accept_invite", args=[uidb64, invitation_token.make_token(user)])
    return f"{settings.SITE_URL}{path}"


@transaction.atomic
def invitation_accept(*, user: User, password: str) -> User:
    """The invited person sets a password; following the emailed link proves the address."""
    user.set_password(password)
    user.is_active = True
    user.save(update_fields=["password", "is_active"])
    email_verified(user=user)
    return user


def email_verified(*, user: User) -> None:
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )


# --- The participant's own profile and skills -----------------------------------------------

MAX_SKILLS_PER_KIND = 15


class SkillRefused(Exception):
    """The skill change cannot be made; the message says why and nothing changed."""


def skill_for_name(name: str) -> Skill:
    """The taxonomy's skill of this name, ignoring case and runs of white space; a new name
    is added to the taxonomy."""
    cleaned = " ".join(name.split())
    if not cleaned or not any(ch.isalnum() for ch in cleaned):
        raise SkillRefused("Type the skill's name.")
    if len(cleaned) > 60:
        raise SkillRefused("Keep the skill's name under 60 characters.")
    key = skill_key(cleaned)
    skill = resolve_skill(cleaned)  # its own name or a synonym HR added
    if skill is not None:
        return skill
    try:
        with transaction.atomic():
            return Skill.objects.create(name=cleaned)
    except IntegrityError:  # somebody added the same name a moment ago
        return Skill.objects.get(key=key)


@transaction.atomic
def profile_skill_add(
    *, profile: Profile, kind: str, level: int = 2, skill: Skill | None = None, name: str = ""
) -> ProfileSkill:
    """Add a skill to teach or to learn (or change its level if it is there already)."""
    if kind not in ProfileSkill.Kind.values:
        raise SkillRefused("Choose whether you can teach the skill or want to learn it.")
    if level not in (1, 2, 3):
        raise SkillRefused("The level is 1, 2 or 3.")
    skill = skill or skill_for_name(name)
    existing = ProfileSkill.objects.filter(profile=profile, skill=skill, kind=kind).first()
    if existing is not None:
        existing.level = level
        existing.save(update_fields=["level"])
        return existing
    if ProfileSkill.objects.filter(profile=profile, kind=kind).count() >= MAX_SKILLS_PER_KIND:
        raise SkillRefused(
            f"You have {MAX_SKILLS_PER_KIND} skills here already; remove one before adding another."
        )
    return ProfileSkill.objects.create(profile=profile, skill=skill, kind=kind, level=level)


def profile_skill_set_level(*, profile_skill: ProfileSkill, level: int) -> ProfileSkill:
    if level not in (1, 2, 3):
        raise SkillRefused("The level is 1, 2 or 3.")
    profile_skill.level = level
    profile_skill.save(update_fields=["level"])
    return profile_skill


def profile_for(user: User) -> Profile:
    """The person's profile, made on first visit for accounts that came without one."""
    profile, _ = Profile.objects.get_or_create(user=user, defaults={"full_name": ""})
    return profile
