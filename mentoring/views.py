from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from accounts.decorators import hr_or_manager_required, hr_required
from accounts.roles import HR, MANAGER_ROLE, PARTICIPANT, active_role
from mentoring import selectors
from mentoring.models import Cohort


def home(request: HttpRequest) -> HttpResponse:
    """One address for everybody: the page fits the role the person is working as."""
    if not request.user.is_authenticated:
        return render(request, "mentoring/landing.html")
    role = active_role(request)
    if role == HR:
        return render(request, "mentoring/home_hr.html",
                      {"programmes": selectors.programmes_overview()})
    if role == MANAGER_ROLE:
        return render(request, "mentoring/home_manager.html")
    if role == PARTICIPANT:
        user = request.user
        pairs = selectors.participant_pairs(user)
        return render(request, "mentoring/home_participant.html", {
            "enrolments": selectors.participant_enrolments(user),
            "pairs": [(pair, pair.partner_of(user)) for pair in pairs],
        })
    return render(request, "mentoring/home_none.html")


@hr_or_manager_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "mentoring/dashboard.html", {
        "programmes": selectors.programmes_overview(),
    })


@hr_required
def cohort_detail(request: HttpRequest, slug: str) -> HttpResponse:
    cohort = get_object_or_404(Cohort.objects.select_related("programme"), slug=slug)
    return render(request, "mentoring/cohort_detail.html", {"cohort": cohort})


__all__ = ["home", "dashboard", "cohort_detail", "PARTICIPANT"]
