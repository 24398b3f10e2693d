"""Planning an import: each row of a read file checked against the database, and what
committing it would change, in HR's words. Writes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import F
from django.db.models.functions import Lower

from accounts.models import Profile, ProfileSkill, Skill, User
from accounts.taxonomy import near_duplicates, synonym_skill_ids
from mentoring.imports.bulk import chunks
from mentoring.imports.managers import manager_cycles
from mentoring.imports.parse import RowProblem, StaffFile, StaffRow
from mentoring.imports.report import ImportReport, PersonChange
from mentoring.lib.sql import among
from mentoring.models import Cohort, Enrolment

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
