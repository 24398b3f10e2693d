"""HR's skills page: the taxonomy with how much each skill is used, where HR renames,
merges and adds synonyms (DESIGN.md: "HR renames, merges and adds synonyms")."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from accounts.decorators import hr_required
from accounts.http import AuthenticatedHttpRequest
from accounts.models import Skill
from accounts.taxonomy import (
    TaxonomyRefused,
    add_synonym,
    merge_skills,
    near_duplicates,
    rename_skill,
    resolve_skill,
    skills_with_usage,
)

SKILLS_PER_PAGE = 50


@dataclass(frozen=True)
class SkillRow:
    """A row of HR's skills page: the skill and the names that look like it."""

    skill: Skill
    similar: list[Skill]


def _back(request: HttpRequest) -> HttpResponse:
    """Back to the list as HR left it (search and page), from the form's hidden fields."""
    query = {k: request.POST.get(k, "")[:100] for k in ("q", "page") if request.POST.get(k)}
    url = reverse("accounts:skills")
    return redirect(f"{url}?{urlencode(query)}" if query else url)


@hr_required
@require_safe
def skills(request: AuthenticatedHttpRequest) -> HttpResponse:
    query = " ".join(request.GET.get("q", "").split())[:100]
    page = Paginator(skills_with_usage(query), SKILLS_PER_PAGE).get_page(request.GET.get("page"))
    similar = near_duplicates([skill.name for skill in page.object_list], new=False, limit=4)
    rows = [
        SkillRow(skill, [other for other in similar.get(skill.name, []) if other.pk != skill.pk])
        for skill in page.object_list
    ]
    return render(request, "accounts/skills.html", {"page": page, "rows": rows, "query": query})


def _done(request: HttpRequest, change) -> HttpResponse:
    try:
        message = change()
    except TaxonomyRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, message)
    return _back(request)


@hr_required
@require_POST
def skill_rename(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    skill = get_object_or_404(Skill, pk=pk)
    old = skill.name

    def change() -> str:
        renamed = rename_skill(skill=skill, name=request.POST.get("name", ""), by=request.user)
        return f"“{old}” is now “{renamed.name}”; the old name stays as a synonym."

    return _done(request, change)


@hr_required
@require_POST
def skill_merge(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    source = get_object_or_404(Skill, pk=pk)
    name = source.name

    def change() -> str:
        into = resolve_skill(request.POST.get("into", ""))
        if into is None:
            raise TaxonomyRefused("Type the name of the skill to keep, as the list shows it.")
        kept = merge_skills(source=source, into=into, by=request.user)
        return f"“{name}” is merged into “{kept.name}”: everyone who had it has “{kept.name}”."

    return _done(request, change)


@hr_required
@require_POST
def skill_synonym(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    skill = get_object_or_404(Skill, pk=pk)

    def change() -> str:
        synonym = add_synonym(skill=skill, name=request.POST.get("name", ""), by=request.user)
        return f"“{synonym.name}” now finds “{skill.name}”."

    return _done(request, change)
