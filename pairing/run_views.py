"""HR's retry of a failed pairing run (kept apart from the board's views, which others edit)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from accounts.decorators import hr_required
from accounts.http import AuthenticatedHttpRequest
from pairing import selectors, services


@hr_required
@require_POST
def run_retry(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    """Queue a failed run again; a second click (or tab) finds it queued and changes nothing."""
    run = selectors.run_of_cohort(selectors.cohort_for_hr(slug), pk)
    try:
        if services.retry_run(run=run, by=request.user):
            messages.success(request, f"Run {run.pk} is queued again.")
    except services.PairingRefused as exc:
        messages.error(request, str(exc))
        return redirect("pairing:cohort", slug=slug)
    return redirect("pairing:board", slug=slug, pk=run.pk)
