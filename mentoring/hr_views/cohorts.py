"""HR's pages for cohorts: create, edit, status, archive and the cohort page itself."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.decorators import hr_required
from accounts.http import AuthenticatedHttpRequest
from mentoring import selectors
from mentoring.audit.services import record
from mentoring.forms import (
    CohortForm,
    CohortStatusForm,
)
from mentoring.hr_views._shared import (
    INVITATION_STATES,
    PEOPLE_PER_PAGE,
    _cohort_for,
    _programme_for,
)
from mentoring.models import Cohort, Enrolment
from mentoring.outbox import render_email
from mentoring.services import programmes


@hr_required
@require_http_methods(["GET", "HEAD", "POST"])
def cohort_create(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    programme = _programme_for(slug)
    if programme.is_archived:
        messages.error(request, "This programme is archived; restore it before adding cohorts.")
        return redirect("mentoring:programme_detail", programme.slug)
    form = CohortForm(request.POST or None, instance=Cohort(programme=programme))
    if request.method == "POST" and form.is_valid():
        cohort = form.save()
        messages.success(
            request, f"Cohort “{cohort.name}” created as a draft. Next, bring people in."
        )
        return redirect(cohort)
    return render(
        request,
        "mentoring/cohort_form.html",
        {"form": form, "programme": programme, "cohort": None},
    )


@hr_required
@require_http_methods(["GET", "HEAD", "POST"])
def cohort_edit(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    cohort = _cohort_for(slug)
    form = CohortForm(request.POST or None, instance=cohort)
    if request.method == "POST" and form.is_valid():
        cohort = form.save()
        record(actor=request.user, action="cohort.changed", target=f"cohort {cohort.slug}")
        messages.success(request, "Cohort saved.")
        return redirect(cohort)
    cohort = _cohort_for(slug)  # the page around the form shows what is saved
    return render(
        request,
        "mentoring/cohort_form.html",
        {"form": form, "programme": cohort.programme, "cohort": cohort},
    )


@hr_required
@require_POST
def cohort_status(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    cohort = _cohort_for(slug)
    form = CohortStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of the cohort's stages.")
        return redirect(cohort)
    status = form.cleaned_data["status"]
    if status == Cohort.Status.CLOSED and request.POST.get("confirm") != "yes":
        messages.error(request, "Tick “Yes, close it” to close the cohort.")
        return redirect(cohort)
    try:
        programmes.cohort_move(cohort=cohort, status=status)
    except programmes.CohortMoveRefused as refusal:
        messages.error(request, str(refusal))
    else:
        record(
            actor=request.user, action="cohort.status_changed", target=f"cohort {slug}", to=status
        )
        messages.success(request, f"{cohort.name} is now {Cohort.Status(status).label.lower()}.")
    return redirect(cohort)


@hr_required
@require_POST
def cohort_archive(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    cohort = _cohort_for(slug)
    if request.POST.get("action") == "restore":
        programmes.cohort_restore(cohort=cohort)
        messages.success(request, f"{cohort.name} is restored.")
        return redirect(cohort)
    try:
        programmes.cohort_archive(cohort=cohort)
    except programmes.CohortMoveRefused as refusal:
        messages.error(request, str(refusal))
        return redirect(cohort)
    messages.success(
        request,
        f"{cohort.name} is archived. Nothing was deleted; restore it from the programme's page.",
    )
    return redirect("mentoring:programme_detail", cohort.programme.slug)


def _next_steps(overview: selectors.CohortOverview) -> list[dict]:
    """What HR should do next, most pressing first."""
    cohort, steps = overview.cohort, []
    slug = cohort.slug
    if cohort.archived_at:
        return [{"text": "This cohort is archived.", "kind": "restore"}]
    if cohort.status == Cohort.Status.CLOSED:
        return [{"text": "This cohort is closed.", "kind": "note"}]
    if not overview.rows:
        steps.append(
            {
                "text": "Import staff",
                "kind": "link",
                "url": reverse("mentoring:imports:upload", args=[slug])
                or reverse("mentoring:enrolment_add", args=[slug]),
                "detail": "Nobody is enrolled yet: upload the staff file, or add people "
                "one at a time.",
            }
        )
        return steps
    if overview.not_invited:
        steps.append(
            {
                "text": f"Invite {overview.not_invited} "
                f"{'person' if overview.not_invited == 1 else 'people'}",
                "kind": "invite",
                "detail": "Each gets one email with a personal sign-in link.",
            }
        )
    if overview.incomplete:
        steps.append(
            {
                "text": f"{overview.incomplete} "
                f"profile{'s' if overview.incomplete != 1 else ''} incomplete",
                "kind": "link",
                "url": "?state=incomplete#people",
                "detail": "Pairing works from the skills people give; chase those "
                "who have not finished.",
            }
        )
        signed_in = sum(1 for r in overview.rows if r.accepted and not r.complete)
        if signed_in:
            steps.append(
                {
                    "text": f"Remind {signed_in} to finish their profile",
                    "kind": "remind",
                    "detail": "They signed in but stopped short; one email each, at "
                    "most once a day.",
                }
            )
    if overview.awaiting_acceptance:
        steps.append(
            {
                "text": f"{overview.awaiting_acceptance} not accepted yet",
                "kind": "link",
                "url": "?state=invited#people",
                "detail": "Resend the invitation to anyone who lost it.",
            }
        )
    if overview.unmatched_juniors:
        steps.append(
            {
                "text": f"{overview.unmatched_juniors} juniors more than the seniors can take",
                "kind": "note",
                "detail": "Raise some seniors' capacity or enrol more seniors.",
            }
        )
    if overview.unmatched_seniors:
        steps.append(
            {
                "text": f"{overview.unmatched_seniors} seniors more than the juniors can take",
                "kind": "note",
                "detail": "Raise some juniors' capacity or enrol more juniors.",
            }
        )
    board = reverse("pairing:cohort", args=[slug])
    if cohort.status == Cohort.Status.DRAFT and not overview.not_invited:
        steps.append(
            {
                "text": "Open enrolment",
                "kind": "status",
                "status": "enrolling",
                "detail": "Inviting people opens it too.",
            }
        )
    if cohort.status == Cohort.Status.ENROLLING and overview.juniors and overview.seniors:
        steps.append(
            {
                "text": "Move to pairing",
                "kind": "status",
                "status": "pairing",
                "detail": "When enough profiles are complete, close enrolment and pair.",
            }
        )
    if cohort.status == Cohort.Status.PAIRING:
        steps.append(
            {
                "text": "Run pairing",
                "kind": "link" if board else "note",
                "url": board,
                "detail": "Compute the best pairs, review them on the board, publish.",
            }
        )
    if cohort.status == Cohort.Status.ACTIVE:
        steps.append(
            {
                "text": "Follow the cohort",
                "kind": "link",
                "url": f"{reverse('mentoring:dashboard')}?cohort={slug}",
                "detail": "Meetings, hours and pairs at risk on the dashboard.",
            }
        )
    return steps


def _people_filter(request: HttpRequest, rows: list) -> tuple[list, dict]:
    state = request.GET.get("state", "")
    query = " ".join(request.GET.get("q", "").split()).casefold()
    if state == "incomplete":
        rows = [r for r in rows if not r.complete]
    elif state in INVITATION_STATES:
        rows = [r for r in rows if r.invitation_state == state]
    else:
        state = ""
    if query:
        rows = [
            r
            for r in rows
            if query in r.full_name.casefold()
            or query in r.email
            or query in r.department.casefold()
        ]
    return rows, {"state": state, "q": request.GET.get("q", "")[:100]}


@hr_required
@require_safe
def cohort_detail(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    cohort = _cohort_for(slug)
    overview = selectors.cohort_overview(cohort)
    rows, filters = _people_filter(request, overview.rows)
    sides = []
    for side, label in Enrolment.Side.choices:
        page = Paginator([r for r in rows if r.side == side], PEOPLE_PER_PAGE).get_page(
            request.GET.get(f"{side}_page")
        )
        sides.append(
            {
                "side": side,
                "label": label,
                "page": page,
                "total": overview.juniors if side == "junior" else overview.seniors,
            }
        )
    return render(
        request,
        "mentoring/cohort_detail.html",
        {
            "cohort": cohort,
            "overview": overview,
            "sides": sides,
            "filters": filters,
            "states": INVITATION_STATES,
            "next_steps": _next_steps(overview),
            "moves": [(s, Cohort.Status(s).label) for s in cohort.TRANSITIONS[cohort.status]],
            "can_invite": not cohort.archived_at and cohort.status != Cohort.Status.CLOSED,
            "invitation_preview": _invitation_preview(cohort),
            "import_url": reverse("mentoring:imports:upload", args=[slug]),
            "pairing_url": reverse("pairing:cohort", args=[slug]),
            "export_url": reverse("mentoring:imports:export", args=[slug]),
            **_needs_hr(cohort),
        },
    )


def _needs_hr(cohort: Cohort) -> dict:
    """People waiting for a partner and open re-match requests, counted through the pairing
    app's reverse relations (the core does not import it): what the badge and top-up show."""
    if cohort.status != Cohort.Status.ACTIVE:
        return {"waiting": 0, "rematch_open": 0, "needs_you": 0}
    waiting = (
        Enrolment.objects.filter(cohort=cohort, status=Enrolment.Status.ACTIVE)
        .exclude(pairs_as_junior__status="active")
        .exclude(pairs_as_senior__status="active")
        .count()
    )
    requests = cohort.pairs.filter(rematch_requests__status="open").count()
    return {"waiting": waiting, "rematch_open": requests, "needs_you": waiting + requests}


def _invitation_preview(cohort: Cohort):
    """What a junior invited today would read, so HR knows what they are sending."""
    from types import SimpleNamespace

    from django.conf import settings

    return render_email(
        "invitation",
        {
            "person": SimpleNamespace(get_short_name="Alex"),
            "enrolment": Enrolment(cohort=cohort, side=Enrolment.Side.JUNIOR),
            "cohort": cohort,
            "programme": cohort.programme,
            "accepted": False,
            "link": f"{settings.SITE_URL}/accounts/invite/…/",
            "link_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
        },
    )
