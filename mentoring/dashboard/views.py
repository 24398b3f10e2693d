from __future__ import annotations

import csv

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from accounts.decorators import hr_or_manager_required
from mentoring.audit.services import record
from mentoring.dashboard import cache as dashboard_cache
from mentoring.dashboard import selectors
from mentoring.dashboard.scope import scope_for
from mentoring.lib.spreadsheet import neutralise


def _board(request: HttpRequest) -> selectors.Dashboard:
    scope, filters = scope_for(request), selectors.parse_filters(request.GET)
    today = timezone.localdate()
    return dashboard_cache.cached(
        scope=scope,
        filters=filters,
        today=today,
        build=lambda: selectors.build(scope, filters, today=today, with_choices=True),
    )


@hr_or_manager_required
@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    board = _board(request)
    template = "dashboard/index.html#figures" if request.htmx else "dashboard/index.html"
    return render(request, template, {"board": board})


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
        ("participants", board.participants),
        ("juniors", board.juniors),
        ("seniors", board.seniors),
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
    writer.writerow(["department", "participants", "hours"])
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
        for row in board.plan.cohorts:
            writer.writerow(
                [
                    neutralise(f"{row.programme} · {row.name}"),
                    *([hidden] * 3 if row.pairs is None else [row.pairs, row.share, row.behind]),
                ]
            )
        writer.writerow([])
        writer.writerow(["step skipped", "pairs"])
        for title, pairs in board.plan.skipped:
            writer.writerow([neutralise(title), pairs])
    return response
