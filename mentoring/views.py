from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_safe

from accounts.completion import completion_percent, participant_profile_missing
from accounts.roles import HR, MANAGER_ROLE, PARTICIPANT, active_role
from mentoring import selectors
from mentoring.models import Cohort, Enrolment, Programme
from pairing import attention
from pairing import selectors as pairing_selectors


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """One address for everybody: the page fits the role the person is working as."""
    if not request.user.is_authenticated:
        return render(request, "mentoring/landing.html")
    role = active_role(request)
    if role == HR:
        return render(
            request,
            "mentoring/home_hr.html",
            {
                "programmes": selectors.programmes_overview(),
                "archived_programmes": Programme.objects.filter(archived_at__isnull=False),
                "needs_you": attention.per_cohort(),
            },
        )
    if role == MANAGER_ROLE:
        return render(request, "mentoring/home_manager.html")
    if role == PARTICIPANT:
        user = request.user
        pairs = pairing_selectors.participant_pairs(user)
        enrolled = selectors.participant_enrolments(user)
        missing = participant_profile_missing(user)
        paired_cohorts = {pair.cohort_id for pair in pairs}
        return render(
            request,
            "mentoring/home_participant.html",
            {
                "enrolments": enrolled,
                "pairs": [(pair, pair.partner_of(user)) for pair in pairs],
                "missing": missing,
                "completion": completion_percent(missing),
                "what_next": [
                    (e, _what_next(e, e.cohort_id in paired_cohorts, missing)) for e in enrolled
                ],
                "open_calls": selectors.open_calls_for(user),
            },
        )
    return render(
        request,
        "mentoring/home_none.html",
        {"open_calls": selectors.open_calls_for(request.user)},
    )


def _what_next(enrolment: Enrolment, paired: bool, missing: tuple[str, ...]) -> str:
    """What happens next in this cohort, from the participant's side."""
    cohort = enrolment.cohort
    if cohort.status in (Cohort.Status.DRAFT, Cohort.Status.ENROLLING):
        if missing:
            by = f" before {cohort.starts_on:%-d %B}" if cohort.starts_on else ""
            return (
                f"Finish your profile{by}: HR pairs people on the skills they can teach "
                "and want to learn, once enrolment closes."
            )
        return (
            "Your profile is complete. When enrolment closes HR pairs everyone, and you "
            "get an email introducing your partner."
        )
    if cohort.status == Cohort.Status.PAIRING:
        return "HR is choosing pairs now. You get an email when your partner is published."
    if cohort.status == Cohort.Status.ACTIVE:
        if paired:
            return (
                f"Meet your partner about every {cohort.meeting_cadence_days} days and log "
                "each session."
            )
        return "Pairs are published; HR is still finding you a partner and will email you."
    return "This cohort has closed. Thank you for taking part."


__all__ = ["home", "PARTICIPANT"]


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """The site's own page for a refused form (CSRF_FAILURE_VIEW): usually a page left open
    too long or a sign-in in another tab. Django's reason is for developers, not shown."""
    referer = request.META.get("HTTP_REFERER", "")
    back = (
        referer
        if url_has_allowed_host_and_scheme(
            referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        else "/"
    )
    return render(request, "403_csrf.html", {"back": back}, status=403)
