"""What HR does with a finished run: export it as CSV, publish it, compare it with another."""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from accounts.decorators import hr_required
from accounts.http import AuthenticatedHttpRequest
from mentoring.audit.services import record
from mentoring.lib.spreadsheet import neutralise
from pairing import selectors, services
from pairing.attention import NAMES_SHOWN
from pairing.views._shared import _confirmed, _version


@hr_required
@require_GET
def run_export(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    """The run's proposals as CSV; formula-like cells are neutralised for spreadsheets."""
    run = selectors.run_of_cohort(selectors.cohort_for_hr(slug), pk)
    record(actor=request.user, action="export.downloaded", target=f"pairing run {run.pk}")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(selectors.EXPORT_COLUMNS)
    for row in selectors.run_export_rows(run):
        writer.writerow([neutralise(row[column] or "") for column in selectors.EXPORT_COLUMNS])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slug}-run-{run.pk}.csv"'
    return response


@hr_required
@require_POST
def run_publish(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    """First POST: what publishing would do (pairs, and who is emailed, by name when few);
    the confirmed POST publishes. A top-up creates only its new pairs and emails their people."""
    run = selectors.run_of_cohort(selectors.cohort_for_hr(slug), pk)
    if not _confirmed(request) and run.published_at is None:
        proposals = services.publishable(run)
        people = services.people_in(proposals)
        return render(
            request,
            "pairing/publish_confirm.html",
            {
                "run": run,
                "cohort": run.cohort,
                "pairs_count": len(proposals),
                "people_count": len(people),
                "names": [e.user.full_name for e in people[:NAMES_SHOWN]],
                "more": max(0, len(people) - NAMES_SHOWN),
                "version": request.POST.get("version", ""),
            },
        )
    try:
        pairs = services.pair_publish(run=run, by=request.user, version=_version(request.POST))
    except services.BoardConflict:
        messages.warning(
            request,
            "Someone else changed this board since you opened it; nothing "
            "was published. Check the board and publish again.",
        )
        return redirect("pairing:board", slug=slug, pk=run.pk)
    except services.PublishRefused as exc:
        messages.error(request, str(exc))
        return redirect("pairing:board", slug=slug, pk=run.pk)
    new = "new " if run.top_up else ""
    messages.success(
        request,
        f"Published {len(pairs)} {new}pair{'s' if len(pairs) != 1 else ''}. Each person in "
        f"them gets one email with their partner and why they were matched.",
    )
    return redirect("pairing:cohort", slug=slug)


@hr_required
@require_GET
def compare(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    cohort = selectors.cohort_for_hr(slug)
    runs = selectors.runs_of_cohort(cohort)
    comparison = None
    if request.GET.get("a") and request.GET.get("b"):
        first = selectors.run_of_cohort(cohort, request.GET["a"])
        second = selectors.run_of_cohort(cohort, request.GET["b"])
        comparison = selectors.compare_runs(first, second)
    return render(
        request, "pairing/compare.html", {"cohort": cohort, "runs": runs, "comparison": comparison}
    )
