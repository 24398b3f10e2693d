"""Writing a checked plan: new skills, people, profiles, skills held and enrolments, each in
a fixed number of bulk queries whatever the file's size."""

from __future__ import annotations

import secrets

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.utils import timezone

from accounts.models import Profile, ProfileSkill, Skill, User
from mentoring.imports.bulk import bulk_insert, bulk_set, chunks
from mentoring.imports.services.planning import (
    OPTIONAL_PROFILE_FIELDS,
    PROFILE_FIELDS,
    _desired_skills,
    _Person,
    _Plan,
    _profile_values,
    _user_ids,
)
from mentoring.lib.sql import among
from mentoring.models import Cohort, Enrolment


def _apply(cohort: Cohort, plan: _Plan) -> None:
    changed = [person for person in plan.people if person.changed]
    if not changed:
        return
    if plan.new_skill_names:
        # Skill.save tidies the name and sets the key; bulk_create skips save, so both are
        # given here already tidy.
        Skill.objects.bulk_create(
            [Skill(name=name, key=key) for key, name in plan.new_skill_names.items()],
            ignore_conflicts=True,
            batch_size=500,
        )
        for batch in chunks(sorted(plan.new_skill_names)):
            plan.skill_ids.update(
                Skill.objects.filter(key__in=among(batch, "text")).values_list("key", "id")
            )

    new_emails = [p.row.email for p in changed if p.user_id is None]
    if new_emails:
        # Imported people cannot log in until they accept an invitation and set a password.
        bulk_insert(
            User, [{"email": email, "password": _unusable_password()} for email in new_emails]
        )
        for batch in chunks(new_emails):
            plan.user_ids.update(_user_ids(batch))
        for person in changed:
            if person.user_id is None:
                person.user_id = plan.user_ids[person.row.email]

    now = timezone.now()
    new_profiles: list[dict[str, object]] = []
    updated_profiles: list[Profile] = []
    for person in changed:
        values = _profile_values(person.row, plan, plan.columns, person.profile)
        if person.profile is None:
            new_profiles.append({"user_id": person.user_id, **values})
        elif any(getattr(person.profile, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(person.profile, name, value)
            person.profile.updated_at = now
            updated_profiles.append(person.profile)
    if new_profiles:
        bulk_insert(Profile, new_profiles)
        profile_ids: dict[int, int] = {}
        for batch in chunks([row["user_id"] for row in new_profiles]):
            profile_ids.update(
                Profile.objects.filter(user_id__in=among(batch, "bigint")).values_list(
                    "user_id", "id"
                )
            )
        for person in changed:
            if person.profile is None:
                assert person.user_id is not None  # every changed person has a user by now
                person.profile_id = profile_ids[person.user_id]
    if updated_profiles:
        fields = [
            *PROFILE_FIELDS,
            *sorted(set(OPTIONAL_PROFILE_FIELDS) & plan.columns),
            "updated_at",
        ]
        bulk_set(Profile, updated_profiles, fields)

    _apply_skills(changed, plan)
    _apply_enrolments(cohort, changed)


def _unusable_password() -> str:
    # What make_password(None) stores, with one system-random call instead of forty.
    return UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)


def _apply_skills(changed: list[_Person], plan: _Plan) -> None:
    """Make each person's skills match the file, touching only the rows that differ."""
    stale: list[int] = []
    relevelled: list[ProfileSkill] = []
    new: list[dict[str, object]] = []
    for person in changed:
        assert person.profile_id is not None
        existing = plan.existing_skills.get(person.profile_id, {})
        desired = _desired_skills(person.row, plan) or {}
        for key, (level, pk) in existing.items():
            if key not in desired:
                stale.append(pk)
            elif desired[key] != level:
                relevelled.append(ProfileSkill(pk=pk, level=desired[key]))
        new += [
            {"profile_id": person.profile_id, "skill_id": skill_id, "kind": kind, "level": level}
            for (skill_id, kind), level in desired.items()
            if (skill_id, kind) not in existing
        ]
    for batch in chunks(stale):
        # Nothing refers to a ProfileSkill and no signal listens: one DELETE per batch.
        ProfileSkill.objects.filter(pk__in=among(batch, "bigint")).delete()
    bulk_set(ProfileSkill, relevelled, ["level"])
    bulk_insert(ProfileSkill, new)


def _apply_enrolments(cohort: Cohort, changed: list[_Person]) -> None:
    new: list[dict[str, object]] = []
    updated: list[Enrolment] = []
    for person in changed:
        row, enrolment = person.row, person.enrolment
        if enrolment is None:
            new.append(
                {
                    "cohort_id": cohort.pk,
                    "user_id": person.user_id,
                    "side": row.side,
                    "capacity": row.capacity,
                }
            )
        elif enrolment.side != row.side or enrolment.capacity != row.capacity:
            enrolment.side, enrolment.capacity = row.side, row.capacity
            updated.append(enrolment)
    bulk_insert(Enrolment, new)
    if updated:
        bulk_set(Enrolment, updated, ["side", "capacity"])
