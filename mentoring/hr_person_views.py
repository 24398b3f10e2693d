"""HR's view of one person in a cohort: their partner, sessions and hours, how many goals,
when they were last active, and their skills, which HR may correct.

Never a shared summary, a private note or a goal's text: those belong to the pair (DESIGN.md
"Privacy rules"). It lives in the site layer because it reads the pairs and session logs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.contrib import messages
from django.db import transaction
from django.db.models import Count, Max, Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from accounts.decorators import hr_required
from accounts.http import AuthenticatedHttpRequest
from accounts.models import ProfileSkill, Skill
from accounts.services import (
    SkillRefused,
    profile_for,
    profile_skill_add,
    profile_skill_set_level,
)
from mentoring.audit.services import record
from mentoring.models import Enrolment
from pairing.models import Pair
from sessions_log.models import Goal, Meeting, SessionLog


@dataclass
class PartnerLine:
    pair: Pair
    partner_name: str
    partner_job_title: str
    sessions: int = 0
    minutes: int = 0

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)


@dataclass
class PersonOverview:
    enrolment: Enrolment
    partners: list[PartnerLine] = field(default_factory=list)
    goals: int = 0
    goals_achieved: int = 0
    last_session: date | None = None
    last_meeting: datetime | None = None
    skills: dict[str, list[ProfileSkill]] = field(default_factory=dict)

    @property
    def sessions(self) -> int:
        return sum(line.sessions for line in self.partners)

    @property
    def hours(self) -> float:
        return round(sum(line.minutes for line in self.partners) / 60, 1)

    @property
    def last_activity(self) -> tuple[str, date | datetime] | None:
        """The latest thing the person did: a session logged, a meeting held or a sign-in."""
        seen: list[tuple[str, date | datetime]] = []
        if self.last_session:
            seen.append(("session held", self.last_session))
        if self.last_meeting:
            seen.append(("meeting", timezone.localtime(self.last_meeting).date()))
        if self.enrolment.user.last_login:
            seen.append(("signed in", timezone.localtime(self.enrolment.user.last_login).date()))
        return max(seen, key=lambda item: item[1]) if seen else None


def _enrolment_for(slug: str, pk: int) -> Enrolment:
    return get_object_or_404(
        Enrolment.objects.select_related("cohort__programme", "user__profile"),
        cohort__slug=slug,
        pk=pk,
    )


def person_overview(enrolment: Enrolment) -> PersonOverview:
    """Counts and dates only: summaries, notes and goal texts are never read here."""
    overview = PersonOverview(enrolment=enrolment)
    pairs = list(
        Pair.objects.filter(Q(junior=enrolment) | Q(senior=enrolment), published_at__isnull=False)
        .select_related("junior__user__profile", "senior__user__profile")
        .order_by("-published_at")
    )
    lines = {}
    for pair in pairs:
        partner = pair.senior if pair.junior_id == enrolment.pk else pair.junior
        profile = getattr(partner.user, "profile", None)
        lines[pair.pk] = PartnerLine(
            pair=pair,
            partner_name=partner.user.full_name,
            partner_job_title=profile.job_title if profile else "",
        )
    logs = (
        SessionLog.objects.filter(pair__in=pairs)
        .values("pair_id")
        .annotate(n=Count("pk"), minutes=Sum("minutes"), last=Max("held_on"))
        .values_list("pair_id", "n", "minutes", "last")
    )
    for pair_id, n, minutes, last in logs:
        lines[pair_id].sessions, lines[pair_id].minutes = n, minutes or 0
        overview.last_session = max(filter(None, [overview.last_session, last]), default=None)
    overview.partners = list(lines.values())
    overview.last_meeting = Meeting.objects.filter(
        pair__in=pairs, status=Meeting.Status.SCHEDULED, starts_at__lte=timezone.now()
    ).aggregate(last=Max("starts_at"))["last"]
    goals = Goal.objects.filter(pair__in=pairs, owner=enrolment.user).aggregate(
        total=Count("pk"), achieved=Count("pk", filter=Q(status=Goal.Status.ACHIEVED))
    )
    overview.goals, overview.goals_achieved = goals["total"], goals["achieved"]
    held = ProfileSkill.objects.filter(profile__user=enrolment.user).select_related("skill")
    for kind in ProfileSkill.Kind:
        overview.skills[kind.label] = [row for row in held if row.kind == kind]
    return overview


@hr_required
@require_safe
def hr_person(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    enrolment = _enrolment_for(slug, pk)
    return render(
        request,
        "mentoring/hr_person.html",
        {
            "overview": person_overview(enrolment),
            "cohort": enrolment.cohort,
            "kinds": ProfileSkill.Kind.choices,
        },
    )


def _level(value: str) -> int | None:
    return int(value) if value in ("1", "2", "3") else None


@hr_required
@require_POST
def hr_person_skills(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    """HR corrects a profile's skills: add one (an existing skill by name, or a new one),
    change a level, or remove one. Each change is audited."""
    enrolment = _enrolment_for(slug, pk)
    profile = profile_for(enrolment.user)
    action = request.POST.get("action", "")
    try:
        with transaction.atomic():
            done = _correct(request, enrolment, profile, action)
    except SkillRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, done)
    return redirect("mentoring:hr_person", slug, pk)


def _correct(request: HttpRequest, enrolment: Enrolment, profile, action: str) -> str:
    if action not in ("add", "level", "remove"):
        raise SkillRefused("Choose what to change.")
    if action == "add":
        added = profile_skill_add(
            profile=profile,
            kind=request.POST.get("kind", ""),
            level=_level(request.POST.get("level", "2")) or 0,
            name=request.POST.get("name", "")[:100],
        )
        done, skill = f"{added.skill.name} added.", added.skill
    else:
        row = get_object_or_404(ProfileSkill, pk=_number(request.POST.get("row")), profile=profile)
        skill = row.skill
        if action == "level":
            profile_skill_set_level(
                profile_skill=row, level=_level(request.POST.get("level", "")) or 0
            )
            done = f"{skill.name} is at level {row.level} now."
        else:
            row.delete()
            done = f"{skill.name} removed."
    _audit(request, enrolment, action, skill)
    return done


def _number(value: str | None) -> int:
    return int(value) if value and value.isdigit() and len(value) < 12 else 0


def _audit(request: HttpRequest, enrolment: Enrolment, action: str, skill: Skill) -> None:
    record(
        actor=request.user,
        action="profile.skills_corrected",
        target=f"enrolment {enrolment.pk}",
        subject=enrolment.user,
        change=action,
        skill=skill.pk,
    )
