"""The skill taxonomy kept tidy: near-duplicate names, synonyms, renames and merges.

HR renames, merges and adds synonyms (DESIGN.md). Accounts may not import the core, so each
change is announced with :data:`taxonomy_changed`; the core records it in the audit log (in the
change's own transaction, as the signal is sent inside it)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

from django.db import IntegrityError, models, transaction
from django.db.models import Count, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.dispatch import Signal

from accounts.models import ProfileSkill, Skill, SkillSynonym, skill_key

# Sent with by (the HR user), action ("renamed", "merged", "synonym_added"), skill (the skill
# that remains) and details (ids and short names only).
taxonomy_changed = Signal()

NAME_LIMIT = 60
SIMILAR_RATIO = 0.88
# Comparing every new name with every skill by difflib is quadratic: past this many pairs the
# import keeps to the cheap same-key test.
RATIO_BUDGET = 200_000

_NOT_WORD = re.compile(r"[\W_]+")
_SUFFIXES = ("ings", "ing", "ers", "er", "es", "s")


class TaxonomyRefused(Exception):
    """The change cannot be made; the message says why and nothing changed."""


def _stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if len(word) > len(suffix) + 3 and word.endswith(suffix) and not word.endswith("ss"):
            return word[: -len(suffix)]
    return word


def near_key(name: str) -> str:
    """A skill name with case, spacing, punctuation and simple plural or -ing endings set
    aside: "LinkedIn personal branding" and "linkedin-personal brand" share one."""
    return " ".join(_stem(word) for word in _NOT_WORD.sub(" ", name.casefold()).split())


def is_near_duplicate(a: str, b: str) -> bool:
    """The one rule for "these two names are probably the same skill" (not the same key:
    that is the same skill already)."""
    if skill_key(a) == skill_key(b):
        return False
    near_a, near_b = near_key(a), near_key(b)
    if not near_a or not near_b:
        return False
    if near_a == near_b:
        return True
    matcher = difflib.SequenceMatcher(None, near_a, near_b)
    return (
        matcher.real_quick_ratio() >= SIMILAR_RATIO
        and matcher.quick_ratio() >= SIMILAR_RATIO
        and matcher.ratio() >= SIMILAR_RATIO
    )


def near_duplicates(
    names: Iterable[str],
    *,
    known: list[tuple[int, str]] | None = None,
    limit: int = 3,
    new: bool = True,
) -> dict[str, list[Skill]]:
    """For each name, the existing skills it is probably a near-duplicate of (synonyms count
    for their skill). A ``new`` name that is a skill or synonym already has none: it is that
    skill. ``known`` (id, name) pairs may be passed in to spare a query."""
    names = [name for name in dict.fromkeys(names) if name.strip()]
    if not names:
        return {}
    if known is None:
        known = list(Skill.objects.values_list("pk", "name"))
        known += list(SkillSynonym.objects.values_list("skill_id", "name"))
    entries = [(pk, skill_key(other), near_key(other), other) for pk, other in known]
    existing_keys = {key for _, key, _, _ in entries}
    use_ratio = len(names) * len(entries) <= RATIO_BUDGET
    found: dict[str, list[int]] = {}
    for name in names:
        own, near = skill_key(name), near_key(name)
        if not near or (new and own in existing_keys):  # it is a skill or synonym already
            continue
        ids = [
            pk
            for pk, other_key, other_near, other in entries
            if other_key != own
            and (other_near == near or (use_ratio and is_near_duplicate(name, other)))
        ]
        if ids:
            found[name] = list(dict.fromkeys(ids))[:limit]
    skills = Skill.objects.in_bulk({pk for ids in found.values() for pk in ids})
    return {name: [skills[pk] for pk in ids if pk in skills] for name, ids in found.items()}


def resolve_skill(name: str) -> Skill | None:
    """The skill a name means: its own key, or one of its synonyms."""
    key = skill_key(name)
    if not key:
        return None
    skill = Skill.objects.filter(key=key).first()
    if skill is None:
        synonym = SkillSynonym.objects.select_related("skill").filter(key=key).first()
        skill = synonym.skill if synonym else None
    return skill


def synonym_skill_ids(keys: Iterable[str]) -> dict[str, int]:
    """Skill ids by synonym key, for the keys that are synonyms."""
    return dict(SkillSynonym.objects.filter(key__in=list(keys)).values_list("key", "skill_id"))


def _count_of(model, column: str) -> Coalesce:
    rows = (
        model.objects.filter(**{column: OuterRef("pk")})
        .order_by()
        .values(column)
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=models.IntegerField()), 0)


def skills_with_usage(query: str = "") -> models.QuerySet[Skill]:
    """The taxonomy for HR's page: each skill with the profile rows and session logs that use
    it (counted in subqueries, so a popular skill does not multiply the rows); a query
    matches names and synonyms."""
    skills = Skill.objects.all()
    key = skill_key(query)
    if key:
        skills = skills.filter(
            Q(key__contains=key)
            | Q(pk__in=SkillSynonym.objects.filter(key__contains=key).values("skill_id"))
        )
    session_rows = [
        _count_of(field.remote_field.through, field.m2m_reverse_field_name())
        for field in _session_log_skill_fields()
    ]
    sessions = sum(session_rows[1:], session_rows[0]) if session_rows else Value(0)
    return (
        skills.annotate(people=_count_of(ProfileSkill, "skill"), sessions=sessions)
        .prefetch_related("synonyms")
        .order_by("name")
    )


def _session_log_skill_fields() -> list:
    """The many-to-many fields that point at Skill from other apps (the session logs' skills
    each way), found from the relations so accounts imports no higher layer."""
    return [
        relation.field
        for relation in Skill._meta.related_objects
        if relation.many_to_many and relation.related_model is not SkillSynonym
    ]


def _clean_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned or not any(ch.isalnum() for ch in cleaned):
        raise TaxonomyRefused("Type the skill's name.")
    if len(cleaned) > NAME_LIMIT:
        raise TaxonomyRefused(f"Keep the skill's name under {NAME_LIMIT} characters.")
    return cleaned


def _name_taken(key: str, *, skill: Skill) -> str:
    other = Skill.objects.filter(key=key).exclude(pk=skill.pk).first()
    if other is not None:
        return f"“{other.name}” is already a skill: merge the two instead."
    synonym = SkillSynonym.objects.filter(key=key).select_related("skill").first()
    if synonym is not None and synonym.skill_id != skill.pk:
        return f"“{synonym.name}” is already a synonym of “{synonym.skill.name}”."
    return ""


@transaction.atomic
def rename_skill(*, skill: Skill, name: str, by) -> Skill:
    cleaned = _clean_name(name)
    taken = _name_taken(skill_key(cleaned), skill=skill)
    if taken:
        raise TaxonomyRefused(taken)
    old = skill.name
    if old == cleaned:
        return skill
    skill.name = cleaned
    skill.save(update_fields=["name", "key"])
    # The skill's own former name stays findable (imports, searches) as a synonym.
    SkillSynonym.objects.filter(key=skill.key).delete()
    if skill_key(old) != skill.key:
        SkillSynonym.objects.get_or_create(
            key=skill_key(old), defaults={"skill": skill, "name": old}
        )
    taxonomy_changed.send(
        sender=Skill, by=by, action="renamed", skill=skill, details={"from": old, "to": cleaned}
    )
    return skill


@transaction.atomic
def add_synonym(*, skill: Skill, name: str, by) -> SkillSynonym:
    cleaned = _clean_name(name)
    key = skill_key(cleaned)
    if key == skill.key:
        raise TaxonomyRefused("That is the skill's own name.")
    taken = _name_taken(key, skill=skill)
    if taken:
        raise TaxonomyRefused(taken)
    try:
        with transaction.atomic():
            synonym, created = SkillSynonym.objects.get_or_create(
                key=key, defaults={"skill": skill, "name": cleaned}
            )
    except IntegrityError:  # the same synonym added a moment ago in another tab
        synonym, created = SkillSynonym.objects.get(key=key), False
    if created:
        taxonomy_changed.send(
            sender=Skill,
            by=by,
            action="synonym_added",
            skill=skill,
            details={"synonym": cleaned},
        )
    return synonym


def _repoint_profile_skills(source: Skill, into: Skill) -> int:
    """Each person keeps one row per kind: on a collision the higher level stays."""
    moved = 0
    kept = {
        (row.profile_id, row.kind): row
        for row in ProfileSkill.objects.select_for_update().filter(skill=into)
    }
    for row in ProfileSkill.objects.select_for_update().filter(skill=source):
        other = kept.get((row.profile_id, row.kind))
        if other is None:
            row.skill = into
            row.save(update_fields=["skill"])
        else:
            if row.level > other.level:
                other.level = row.level
                other.save(update_fields=["level"])
            row.delete()
        moved += 1
    return moved


def _repoint_generic(source: Skill, into: Skill) -> int:
    """Every other foreign key or many-to-many to Skill (session logs' skills each way, and
    whatever comes later), found from the model's relations so none is forgotten. Hidden
    relations (related_name "+", the session rollups) hold derived totals: the signals the
    related managers send refresh them."""
    moved = 0
    for relation in Skill._meta.related_objects:
        if relation.related_model in (ProfileSkill, SkillSynonym):
            continue
        if relation.many_to_many:
            # Through the related managers, not the through table, so m2m_changed tells
            # whoever keeps totals of these rows (the session rollups) what moved.
            accessor = relation.get_accessor_name()
            # Only a relation declared with related_name="+" has no accessor; none points here.
            assert accessor is not None, f"{relation} hides its accessor: merge cannot move it"
            ids = list(getattr(source, accessor).values_list("pk", flat=True))
            getattr(into, accessor).add(*ids)  # add() skips the rows ``into`` has already
            getattr(source, accessor).clear()
            moved += len(ids)
        elif relation.one_to_many or relation.one_to_one:
            moved += relation.related_model._default_manager.filter(
                **{relation.field.name: source}
            ).update(**{relation.field.name: into})
    return moved


@transaction.atomic
def merge_skills(*, source: Skill, into: Skill, by) -> Skill:
    """Fold ``source`` into ``into``: every use moves over (duplicates dropped, the higher
    level or priority kept), ``source``'s name and synonyms become ``into``'s synonyms, and
    ``source`` goes. All or nothing."""
    if source.pk == into.pk:
        raise TaxonomyRefused("Choose two different skills to merge.")
    # Lock both rows so two merges of the same skills cannot interleave.
    locked = {
        s.pk: s for s in Skill.objects.select_for_update().filter(pk__in=[source.pk, into.pk])
    }
    if len(locked) != 2:
        raise TaxonomyRefused("One of the skills is gone; reload the page.")
    source, into = locked[source.pk], locked[into.pk]
    people = _repoint_profile_skills(source, into)
    uses = _repoint_generic(source, into)
    SkillSynonym.objects.filter(skill=source).update(skill=into)
    source_name, source_key, source_pk = source.name, source.key, source.pk
    source.delete()
    SkillSynonym.objects.get_or_create(
        key=source_key, defaults={"skill": into, "name": source_name}
    )
    taxonomy_changed.send(
        sender=Skill,
        by=by,
        action="merged",
        skill=into,
        details={
            "merged": source_name,
            "merged_id": source_pk,
            "into": into.name,
            "profile_rows": people,
            "other_rows": uses,
        },
    )
    return into
