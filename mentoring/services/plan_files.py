"""A programme as a JSON document: its agreement, guides and session plan. The shipped
templates in mentoring/plans/ are such documents; `dump_programme` and `load_programme` and
HR's "Start from a template" page all go through here.

Every file is untrusted: a bad one is refused as a whole, with every problem listed, and
nothing is written."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from mentoring.models import PlanStep, Programme
from mentoring.services.plans import MAX_STEPS, check_step_values

FORMAT = "twoway-programme/1"
TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "plans"
MAX_FILE_BYTES = 1_000_000
TEXT_FIELDS = {
    "description": 5000,
    "agreement": 10000,
    "junior_guide": 10000,
    "senior_guide": 10000,
}
STEP_KEYS = {
    "kind",
    "title",
    "topic",
    "due_week",
    "junior_prompts",
    "senior_prompts",
    "resources",
}


class ProgrammeFileError(Exception):
    """The file cannot become a programme; ``problems`` says why, one line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def programme_as_dict(programme: Programme) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "name": programme.name,
        "slug": programme.slug,
        "description": programme.description,
        "agreement": programme.agreement,
        "junior_guide": programme.junior_guide,
        "senior_guide": programme.senior_guide,
        "steps": [
            {
                "kind": step.kind,
                "title": step.title,
                "topic": step.topic,
                "due_week": step.due_week,
                "junior_prompts": _lines(step.junior_prompts),
                "senior_prompts": _lines(step.senior_prompts),
                # A fixed key order: PostgreSQL's jsonb does not keep the order it was given.
                "resources": [
                    {key: resource[key] for key in ("title", "url", "text") if key in resource}
                    for resource in step.resources
                ],
            }
            for step in programme.plan_steps.order_by("position", "pk")
        ],
    }


def programme_as_json(programme: Programme) -> str:
    return json.dumps(programme_as_dict(programme), indent=2, ensure_ascii=False) + "\n"


@dataclass(frozen=True)
class ProgrammeDocument:
    """A checked document, ready to create."""

    name: str
    slug: str
    texts: dict[str, str]
    steps: list[dict[str, Any]]


def _prompts(value: Any, where: str, problems: list[str]) -> str:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, list) and all(isinstance(line, str) for line in value):
        return "\n".join(line.strip() for line in value if line.strip())
    problems.append(f"{where}: prompts must be a list of lines of text.")
    return ""


def parse_programme(raw: bytes | str) -> ProgrammeDocument:
    """Check a programme document; raises ProgrammeFileError listing every problem."""
    if len(raw) > MAX_FILE_BYTES:
        raise ProgrammeFileError([f"The file is larger than {MAX_FILE_BYTES // 1000} kB."])
    try:
        data = json.loads(raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw)
    except UnicodeDecodeError:
        raise ProgrammeFileError(["The file is not UTF-8 text."]) from None
    except json.JSONDecodeError as exc:
        raise ProgrammeFileError(
            [f"The file is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})."]
        ) from None
    if not isinstance(data, dict):
        raise ProgrammeFileError(["The file must hold one JSON object (a programme)."])
    problems: list[str] = []
    unknown = set(data) - {"format", "name", "slug", "steps", *TEXT_FIELDS}
    if unknown:
        problems.append(f"Unknown fields: {', '.join(sorted(unknown))}.")
    if data.get("format", FORMAT) != FORMAT:
        problems.append(f"format must be “{FORMAT}”.")
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.append("name is required (text).")
        name = ""
    elif len(name) > 200:
        problems.append("name is longer than 200 characters.")
    slug = data.get("slug", "")
    if not isinstance(slug, str) or (slug and slugify(slug) != slug) or len(slug) > 70:
        problems.append("slug must be letters, numbers and hyphens (at most 70).")
        slug = ""
    texts = {}
    for key, limit in TEXT_FIELDS.items():
        value = data.get(key, "")
        if not isinstance(value, str):
            problems.append(f"{key} must be text.")
        elif len(value) > limit:
            problems.append(f"{key} is longer than {limit} characters.")
        else:
            texts[key] = value.strip()
    steps_in = data.get("steps", [])
    steps: list[dict[str, Any]] = []
    if not isinstance(steps_in, list):
        problems.append("steps must be a list.")
        steps_in = []
    elif len(steps_in) > MAX_STEPS:
        problems.append(f"A plan holds at most {MAX_STEPS} steps.")
        steps_in = []
    for n, item in enumerate(steps_in, start=1):
        where = f"Step {n}"
        if not isinstance(item, dict):
            problems.append(f"{where} must be an object.")
            continue
        extra = set(item) - STEP_KEYS
        if extra:
            problems.append(f"{where}: unknown fields {', '.join(sorted(extra))}.")
        values = {key: item.get(key) for key in STEP_KEYS}
        values["kind"] = values["kind"] or PlanStep.Kind.SESSION
        values["topic"] = values["topic"] or ""
        values["junior_prompts"] = _prompts(item.get("junior_prompts", ""), where, problems)
        values["senior_prompts"] = _prompts(item.get("senior_prompts", ""), where, problems)
        if not isinstance(values["title"], str) or not isinstance(values["topic"], str):
            problems.append(f"{where}: title and topic must be text.")
            continue
        try:
            steps.append(check_step_values(values))
        except ValidationError as exc:
            problems.append(f"{where} (“{values['title'][:60]}”): {' '.join(exc.messages)}")
    if problems:
        raise ProgrammeFileError(problems)
    return ProgrammeDocument(name=" ".join(name.split()), slug=slug, texts=texts, steps=steps)


def free_slug(wanted: str) -> str:
    base = slugify(wanted)[:70] or "programme"
    slug, n = base, 2
    while Programme.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def programme_create_from(
    *, document: ProgrammeDocument, name: str = "", slug: str = ""
) -> Programme:
    """Create the programme and its plan. ``slug`` when given must be free; otherwise the
    document's slug, or a free one made from it or the name."""
    name = " ".join(name.split()) or document.name
    if slug:
        if slugify(slug) != slug or len(slug) > 80:
            raise ValidationError("The address must be letters, numbers and hyphens.")
        if Programme.objects.filter(slug=slug).exists():
            raise ValidationError(f"The address “{slug}” is taken; choose another.")
    else:
        slug = free_slug(document.slug or name)
    programme = Programme.objects.create(name=name, slug=slug, **document.texts)
    PlanStep.objects.bulk_create(
        PlanStep(programme=programme, position=n, **step)
        for n, step in enumerate(document.steps, start=1)
    )
    return programme


def just_created(*, name: str, within: timedelta = timedelta(minutes=5)) -> Programme | None:
    """A programme of this name made moments ago and not yet given a cohort: what a second
    submit of the "start from a template" page should land on instead of a twin."""
    return (
        Programme.objects.filter(
            name=name, created_at__gte=timezone.now() - within, cohorts__isnull=True
        )
        .order_by("-created_at")
        .first()
    )


@dataclass(frozen=True)
class ShippedTemplate:
    key: str
    name: str
    description: str
    steps: int
    document: ProgrammeDocument


def shipped_templates() -> list[ShippedTemplate]:
    """The templates in mentoring/plans/, read fresh each time (a handful of small files)."""
    found = []
    for path in sorted(TEMPLATES_DIR.glob("*.json")):
        document = parse_programme(path.read_bytes())
        found.append(
            ShippedTemplate(
                key=path.stem,
                name=document.name,
                description=document.texts.get("description", ""),
                steps=len(document.steps),
                document=document,
            )
        )
    return found


@transaction.atomic
def programme_take_plan(*, programme: Programme, key: str) -> Programme:
    """Give an existing programme a shipped template's plan and guides (its agreement stays)."""
    document = next(t.document for t in shipped_templates() if t.key == key)
    programme.junior_guide = document.texts.get("junior_guide", programme.junior_guide)
    programme.senior_guide = document.texts.get("senior_guide", programme.senior_guide)
    programme.save(update_fields=["junior_guide", "senior_guide"])
    PlanStep.objects.bulk_create(
        PlanStep(programme=programme, position=n, **step)
        for n, step in enumerate(document.steps, start=1)
    )
    return programme
