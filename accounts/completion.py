"""Profile completion: what a participant still has to fill in. The one place for the rule;
the home page, the profile page, the cohort page and the reminder email all read it here."""

from __future__ import annotations

from accounts.models import Profile, ProfileSkill, User

COMPLETION_PARTS = ("skills to teach", "skills to learn", "time zone", "hopes")


def profile_missing(profile: Profile, *, has_teach: bool, has_learn: bool) -> tuple[str, ...]:
    """What a participant still has to fill in, in the cohort page's words."""
    return tuple(
        part
        for part, ok in zip(
            COMPLETION_PARTS,
            (has_teach, has_learn, bool(profile.timezone), bool((profile.hopes or "").strip())),
            strict=True,
        )
        if not ok
    )


def participant_profile_missing(user: User) -> tuple[str, ...]:
    profile = getattr(user, "profile", None)
    if profile is None:
        return COMPLETION_PARTS
    kinds = set(
        ProfileSkill.objects.filter(profile=profile).values_list("kind", flat=True).distinct()
    )
    return profile_missing(profile, has_teach="teach" in kinds, has_learn="learn" in kinds)


def completion_percent(missing: tuple[str, ...]) -> int:
    """How complete a profile is, in percent, given what is missing."""
    return round(100 * (len(COMPLETION_PARTS) - len(missing)) / len(COMPLETION_PARTS))
