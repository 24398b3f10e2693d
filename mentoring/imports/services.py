"""Staff import: checking a read file against the database, then the all-or-nothing upsert.

`import_preview` says what a commit would do; `import_commit` does it in one transaction, after
checking everything again. Both run a fixed number of bulk queries whatever the file's size
(each lookup passes the file's keys as one parameter; see bulk.py), plus one per level of a
manager chain that leaves the file (managers.py).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Lower
from django.utils import timezone

from accounts.models import Profile, ProfileSkill, Skill, User
from accounts.taxonomy import near_duplicates, synonym_skill_ids
from mentoring.imports.bulk import bulk_insert, bulk_set, chunks
from mentoring.imports.managers import manager_cycles
from mentoring.imports.parse import RowProblem, StaffFile, StaffRow, read_staff_file
from mentoring.imports.report import ImportReport, PersonChange
from mentoring.imports.signals import people_imported
from mentoring.lib.sql import among
from mentoring.models import Cohort, Enrolment, Programme
from mentoring.services.invitations import invitations_send

MAX_LISTED_CHANGES = 200
TEACH, LEARN = ProfileSkill.Kind.TEACH, ProfileSkill.Kind.LEARN
PROFILE_FIELDS = ("full_name", "job_title", "department", "location", "timezone", "manager_id")
OPTIONAL_PROFILE_FIELDS = ("grade", "employee_id")


@dataclass
class _Person:
    row: StaffRow
    user_id: int | None
    profile: Profile | None
    enrolment: Enrolment | None
    changed: bool = False
    profile_id: int | None = None


@dataclass
class _Plan:
    report: ImportReport
    people: list[_Person]
    skill_ids: dict[str, int]  # skill key -> id, for skills that exist now
    new_skill_names: dict[str, str]  # key -> name, for skills this import adds
    user_ids: dict[str, int]  # email -> id, for every existing person the file names
    # profile id -> {(skill id, kind): (level, ProfileSkill id)}
    existing_skills: dict[int, dict[tuple[int, str], tuple[int, int]]]
    columns: frozenset[str]


def read_upload(filename: str, data: bytes) -> StaffFile:
    return read_staff_file(filename, data, default_timezone=settings.TIME_ZONE)


def import_preview(*, cohort: Cohort | None, staff_file: StaffFile) -> ImportReport:
    """What committing this file would change; writes nothing."""
    return _plan(cohort, staff_file).report


@transaction.atomic
def import_commit(*, cohort: Cohort, staff_file: StaffFile) -> ImportReport:
    """Upsert every person of a good file into the cohort in one transaction; a file with any
    bad row changes nothing and comes back with `ok` false."""
    plan = _plan(cohort, staff_file)
    if not plan.report.ok:
        return plan.report
    try:
        with transaction.atomic():
            _apply(cohort, plan)
            invited = _invite_late_joiners(cohort, plan)
    except IntegrityError:
        # Another import or an HR edit wrote the same people a moment ago.
        plan.report.errors.append(
            "Someone changed these people while the file was being "
            "imported, so nothing was imported. Try again."
        )
        return plan.report
    plan.report.committed = True
    if invited:
        plan.report.notices.append(
            f"{cohort.name} is active, so the {_people(invited)} joining it "
            f"{'is' if invited == 1 else 'are'} invited now and wait for a partner: run a "
            "top-up from the cohort page."
        )
    # Raw bulk writes send no model signals: say so once the rows are there.
    transaction.on_commit(lambda: people_imported.send(sender=Cohort))
    return plan.report


def _people(count: int) -> str:
    return "1 person" if count == 1 else f"{count} people"


def _invite_late_joiners(cohort: Cohort, plan: _Plan) -> int:
    """People who join an active cohort are invited at once, as when HR adds one by hand:
    the cohort's invitations went out long ago and nobody would send theirs. In the import's
    transaction, so the invitations exist exactly when the enrolments do."""
    if cohort.status != Cohort.Status.ACTIVE:
        return 0
    joiners = [person.user_id for person in plan.people if person.enrolment is None]
    enrolment_ids: list[int] = []
    for batch in chunks(joiners):
        enrolment_ids += Enrolment.objects.filter(
            cohort=cohort, user_id__in=among(batch, "bigint")
        ).values_list("pk", flat=True)
    return sum(
        invitations_send(cohort=cohort, enrolment_ids=batch).scheduled
        for batch in chunks(enrolment_ids)
    )


def cohort_for_shell(slug: str) -> Cohort:
    """The cohort a shell import goes into, created with a default programme when new."""
    cohort = Cohort.objects.filter(slug=slug).first()
    if cohort is not None:
        return cohort
    programme, _ = Programme.objects.get_or_create(
        slug="default", defaults={"name": "Reverse mentoring"}
    )
    name = slug.replace("-", " ").replace("_", " ").strip().capitalize() or slug
    return Cohort.objects.create(
        programme=programme, slug=slug, name=name, status=Cohort.Status.ENROLLING
    )


# --- planning ----------------------------------------------------------------------------


def _user_ids(emails: list[str]) -> Iterator[tuple[str, int]]:
    """(lower-case email, id) of the people with these addresses; matches the
    case-insensitive unique index on User.email, so it stays one index lookup per address."""
    for email, pk in (
        User.objects.annotate(email_key=Lower("email"))
        .filter(email_key__in=among(emails, "text"))
        .values_list("email", "id")
    ):
        yield email.lower(), pk


def _plan(cohort: Cohort | None, staff_file: StaffFile) -> _Plan:
    report = ImportReport(
        filename=staff_file.filename,
        cohort_name=cohort.name if cohort else "",
        errors=list(staff_file.errors),
        problems=list(staff_file.problems),
        notices=list(staff_file.notices),
    )
    plan = _Plan(
        report=report,
        people=[],
        skill_ids={},
        new_skill_names={},
        user_ids={},
        existing_skills={},
        columns=staff_file.columns,
    )
    if cohort is not None and (cohort.status == Cohort.Status.CLOSED or cohort.archived_at):
        report.errors.insert(
            0,
            f"{cohort.name} is {'archived' if cohort.archived_at else 'closed'}"
            ": nobody can join it any more. Import into an open cohort.",
        )
    if report.errors:
        return plan
    rows = staff_file.rows
    named = {row.email for row in rows} | {ref[2] for ref in staff_file.manager_refs}
    for batch in chunks(sorted(named)):
        plan.user_ids.update(_user_ids(batch))

    problems: list[RowProblem] = []
    for line, email, manager_email in staff_file.manager_refs:
        if manager_email not in staff_file.emails and manager_email not in plan.user_ids:
            problems.append(
                RowProblem(
                    line,
                    email,
                    f"manager_email {manager_email} names "
                    "nobody: not a row of this file nor a person on Twoway.",
                )
            )
    problems += manager_cycles(rows, plan.user_ids)

    existing_ids = [plan.user_ids[row.email] for row in rows if row.email in plan.user_ids]
    profiles: dict[int, Profile] = {}
    enrolments: dict[int, Enrolment] = {}
    for batch in chunks(existing_ids):
        profiles.update(
            (p.user_id, p)
            for p in Profile.objects.filter(user_id__in=among(batch, "bigint"))
            .only("user_id", *PROFILE_FIELDS, *OPTIONAL_PROFILE_FIELDS)
            .annotate(manager_email_now=F("manager__email"))
        )
        if cohort is not None and cohort.pk:
            enrolments.update(
                (e.user_id, e)
                for e in Enrolment.objects.filter(
                    cohort=cohort, user_id__in=among(batch, "bigint")
                ).only("user_id", "side", "capacity")
            )
    paired: set[int] = set()
    if cohort is not None and cohort.pk and enrolments:
        # The reverse relation keeps the core from importing pairing.
        for junior_id, senior_id in cohort.pairs.filter(status="active").values_list(
            "junior_id", "senior_id"
        ):
            paired.update((junior_id, senior_id))
    for row in rows:
        enrolment = enrolments.get(plan.user_ids.get(row.email, 0))
        if enrolment is not None and enrolment.pk in paired and enrolment.side != row.side:
            problems.append(
                RowProblem(
                    row.line,
                    row.email,
                    f"is paired in this cohort as a {enrolment.side}; an "
                    f"import cannot make them a {row.side}. End the pair first.",
                )
            )
    report.problems = sorted(report.problems + problems, key=lambda p: (p.line, p.reason))
    if not report.ok:
        return plan

    keys: dict[str, str] = {}
    for row in rows:
        for claim in row.teaches + row.wants_to_learn:
            keys.setdefault(claim.key, claim.name)
    for batch in chunks(sorted(keys)):
        plan.skill_ids.update(
            Skill.objects.filter(key__in=among(batch, "text")).values_list("key", "id")
        )
    unmatched = [key for key in keys if key not in plan.skill_ids]
    for batch in chunks(sorted(unmatched)):
        plan.skill_ids.update(synonym_skill_ids(batch))  # HR's synonyms name their skill
    plan.new_skill_names = {key: name for key, name in keys.items() if key not in plan.skill_ids}
    report.new_skills = sorted(plan.new_skill_names.values(), key=str.casefold)
    for name, similar in near_duplicates(report.new_skills).items():
        existing = " or ".join(f"“{skill.name}”" for skill in similar)
        report.notices.append(
            f"New skill “{name}” looks like the existing {existing}: use that name in the "
            "file, or add it as a synonym on the Skills page, so people are not split "
            "between two skills."
        )

    profile_ids = [p.pk for p in profiles.values()]
    for batch in chunks(profile_ids):
        held = ProfileSkill.objects.filter(profile_id__in=among(batch, "bigint"))
        for pk, profile_id, skill_id, kind, level in held.values_list(
            "pk", "profile_id", "skill_id", "kind", "level"
        ):
            plan.existing_skills.setdefault(profile_id, {})[(skill_id, kind)] = (level, pk)

    for row in rows:
        user_id = plan.user_ids.get(row.email)
        profile = profiles.get(user_id or 0)
        person = _Person(
            row=row,
            user_id=user_id,
            profile=profile,
            enrolment=enrolments.get(user_id or 0),
            profile_id=profile.pk if profile else None,
        )
        if user_id is None:
            report.new_people += 1
            report.joining_cohort += 1
            person.changed = True
            changes = ["new to Twoway"]
        else:
            changes = _changes(person, plan)
            person.changed = bool(changes)
            if person.enrolment is None:
                report.joining_cohort += 1
            if person.changed:
                report.updated_people += 1
            else:
                report.unchanged_people += 1
        if changes and len(report.changes) < MAX_LISTED_CHANGES:
            report.changes.append(
                PersonChange(row.line, row.email, row.full_name, ", ".join(changes))
            )
        plan.people.append(person)
    return plan


def _changes(person: _Person, plan: _Plan) -> list[str]:
    """What the file would change about a known person, in HR's words (empty: nothing)."""
    row, profile, enrolment = person.row, person.profile, person.enrolment
    changes: list[str] = []
    if enrolment is None:
        changes.append("joins the cohort")
    elif enrolment.side != row.side:
        changes.append(f"side {enrolment.side} → {row.side}")
    if enrolment is not None and enrolment.capacity != row.capacity:
        changes.append(f"capacity {enrolment.capacity} → {row.capacity}")
    if profile is None:
        return [*changes, "profile"]
    if (profile.manager_email_now or "").lower() != row.manager_email:  # type: ignore[attr-defined]
        changes.append("manager")
    wanted = _profile_values(row, plan, plan.columns, profile)
    del wanted["manager_id"]
    changes += [
        name.replace("_", " ") for name, value in wanted.items() if getattr(profile, name) != value
    ]
    desired = _desired_skills(row, plan)  # None: a skill new to the taxonomy
    existing = plan.existing_skills.get(profile.pk, {})
    if desired is None or {key: level for key, (level, _pk) in existing.items()} != desired:
        changes.append("skills")
    return changes


def _profile_values(
    row: StaffRow, plan: _Plan, columns: frozenset[str], profile: Profile | None
) -> dict[str, object]:
    # An empty timezone cell leaves a known person's own choice alone.
    timezone_ = row.timezone if row.timezone_given or profile is None else profile.timezone
    values: dict[str, object] = {
        "full_name": row.full_name,
        "job_title": row.job_title,
        "department": row.department,
        "location": row.location,
        "timezone": timezone_,
        "manager_id": plan.user_ids.get(row.manager_email) if row.manager_email else None,
    }
    # Optional columns the file leaves out leave what Twoway knows alone.
    if "grade" in columns:
        values["grade"] = row.grade
    if "employee_id" in columns:
        values["employee_id"] = row.employee_id
    return values


def _desired_skills(row: StaffRow, plan: _Plan) -> dict[tuple[int, str], int] | None:
    desired: dict[tuple[int, str], int] = {}
    for kind, claims in ((TEACH, row.teaches), (LEARN, row.wants_to_learn)):
        for claim in claims:
            skill_id = plan.skill_ids.get(claim.key)
            if skill_id is None:
                return None
            desired[(skill_id, kind)] = claim.level
    return desired


# --- writing -----------------------------------------------------------------------------


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
