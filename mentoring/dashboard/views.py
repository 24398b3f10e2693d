from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from accounts.decorators import hr_or_manager_required, hr_required
from accounts.http import AuthenticatedHttpRequest
from mentoring.audit.services import record
from mentoring.dashboard import cache as dashboard_cache
from mentoring.dashboard import selectors
from mentoring.dashboard.actions import nudge_quiet_pair
from mentoring.dashboard.scope import scope_for
from mentoring.lib.spreadsheet import neutralise
from pairing.models import Pair


def _board(request: HttpRequest) -> selectors.Dashboard:
    with dashboard_cache.one_read():
        scope, filters = scope_for(request), selectors.parse_filters(request.GET)
        today = timezone.localdate()
        return dashboard_cache.cached(
            scope=scope,
            filters=filters,
            today=today,
            build=lambda: selectors.build(scope, filters, today=today, with_choices=True),
        )


@dataclass(frozen=True)
class _AtRiskLinks:
    junior: str
    senior: str
    cohort: str
    nudge: str


def _at_risk_links(rows: Sequence[selectors.AtRiskPair]) -> list[tuple]:
    """Each quiet pair with its four links. Each kind of link is reversed once and filled in
    per pair: fifty rows would otherwise reverse two hundred URLs per page (a fifth of its
    render). Slugs and ids need no quoting in a path."""
    if not rows:
        return []
    slug, pk = "__slug__", 987654321
    person = reverse("mentoring:enrolment_edit", args=[slug, pk])
    cohort = reverse("pairing:cohort", args=[slug])
    nudge = reverse("mentoring:dashboard_nudge", args=[pk])
    return [
        (
            pair,
            _AtRiskLinks(
                # The id first: a slug may hold digits, an id never holds the slug's mark.
                junior=person.replace(str(pk), str(pair.junior_id)).replace(slug, pair.cohort_slug),
                senior=person.replace(str(pk), str(pair.senior_id)).replace(slug, pair.cohort_slug),
                cohort=cohort.replace(slug, pair.cohort_slug),
                nudge=nudge.replace(str(pk), str(pair.pk)),
            ),
        )
        for pair in rows
    ]


@hr_or_manager_required
@require_safe
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    board = _board(request)
    template = "dashboard/index.html#figures" if request.htmx else "dashboard/index.html"
    return render(request, template, {"board": board, "at_risk": _at_risk_links(board.at_risk)})


@hr_required
@require_POST
def dashboard_nudge(request: HttpRequest, pk: int) -> HttpResponse:
    """Nudge a pair from the pairs-at-risk list: HR in its HR role only (names are HR's)."""
    if not scope_for(request).names_visible:
        raise PermissionDenied("Switch to your HR role to act on a pair.")
    pair = get_object_or_404(
        Pair.objects.select_related("junior__user__profile", "senior__user__profile"),
        pk=pk,
        status=Pair.Status.ACTIVE,
        published_at__isnull=False,
    )
    if nudge_quiet_pair(pair=pair):
        messages.success(request, "Both of them will get a nudge to meet.")
    else:
        messages.info(request, "This pair was already nudged for this quiet spell.")
    back = request.POST.get("next", "")
    dashboard_url = reverse("mentoring:dashboard")
    if not (
        back.startswith(dashboard_url)
        and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()})
    ):
        back = dashboard_url
    return redirect(back)


@hr_or_manager_required
@require_safe
def dashboard_export(request: HttpRequest) -> HttpResponse:
    """The dashboard's figures as CSV, per department, with the same filters and suppression."""
    board = _board(request)
    record(actor=request.user, action="export.downloaded", target="dashboard")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="twoway-dashboard-{stamp}.csv"'
    writer = csv.writer(response)
    hidden = "fewer than 5"
    writer.writerow(["figure", "value"])
    rows = [
        ("participants", board.participants),  # people, each counted once
        ("enrolments", board.enrolments),
        ("enrolments as junior", board.juniors),
        ("enrolments as senior", board.seniors),
        ("active pairs", board.active_pairs),
        ("ended pairs", board.ended_pairs),
        ("sessions logged", board.sessions),
        ("hours", board.hours),
        ("reverse minutes", board.reverse_minutes),
        ("forward minutes", board.forward_minutes),
        ("sessions per pair", board.sessions_per_pair),
        ("pairs at risk", board.at_risk_count),
    ]
    for name, value in rows:
        # None: a count under 5 that this viewer may not learn.
        writer.writerow([name, hidden if board.suppressed or value is None else value])
    writer.writerow([])
    # Hours count once per pair, for the junior's department: the rows add up to the total.
    writer.writerow(["department", "people", "hours"])
    for row in board.departments:
        writer.writerow(
            [
                neutralise(row["name"]),
                hidden if row["suppressed"] else row["people"],
                hidden if row["suppressed"] else row["hours"],
            ]
        )
    writer.writerow([])
    writer.writerow(["month", "sessions", "reverse hours", "forward hours"])
    for month in board.months:
        writer.writerow(
            [
                month["month"].strftime("%Y-%m"),
                *(
                    [hidden] * 3
                    if board.suppressed
                    else [
                        hidden if month["sessions"] is None else month["sessions"],
                        month["reverse_hours"],
                        month["forward_hours"],
                    ]
                ),
            ]
        )
    if board.plan is not None:
        writer.writerow([])
        writer.writerow(["cohort", "pairs on a plan", "on track (%)", "behind"])
        for on_plan in board.plan.cohorts:
            writer.writerow(
                [
                    neutralise(f"{on_plan.programme} · {on_plan.name}"),
                    *(
                        [hidden] * 3
                        if on_plan.pairs is None
                        else [on_plan.pairs, on_plan.share, on_plan.behind]
                    ),
                ]
            )
        writer.writerow([])
        writer.writerow(["step skipped", "pairs"])
        for title, pairs in board.plan.skipped:
            writer.writerow([neutralise(title), pairs])
    return response
