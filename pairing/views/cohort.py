"""HR's pairing page of a cohort (who waits for a partner, runs, published pairs, rules),
starting a run from it, and removing a lock or an exclude."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from accounts.decorators import hr_required
from accounts.http import AuthenticatedHttpRequest
from mentoring.audit.services import record
from pairing import selectors, services
from pairing.attention import NAMES_SHOWN, waiting_for_partner
from pairing.forms import RunForm
from pairing.models import Rule
from pairing.services.inputs import has_published_pairs


@hr_required
@require_GET
def cohort_pairing(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    cohort = selectors.cohort_for_hr(slug)
    return render(request, "pairing/cohort.html", _cohort_context(request, cohort))


def _cohort_context(request: HttpRequest, cohort, run_form: RunForm | None = None) -> dict:
    return {
        "cohort": cohort,
        "readiness": selectors.cohort_readiness(cohort),
        "run_form": run_form or RunForm.for_cohort(cohort),
        "runs": selectors.runs_of_cohort(cohort),
        "pairs": selectors.published_pairs(
            cohort, page=request.GET.get("page"), q=request.GET.get("q", "").strip()[:100]
        ),
        "q": request.GET.get("q", "").strip()[:100],
        "rematch_requests": selectors.open_rematch_requests(cohort),
        "rules": selectors.rules_of_cohort(cohort),
        **_waiting_context(cohort),
    }


def _waiting_context(cohort) -> dict:
    waiting = waiting_for_partner(cohort)
    count = waiting.count()
    names = (
        [
            name or email
            for name, email in waiting.order_by("user__profile__full_name", "pk").values_list(
                "user__profile__full_name", "user__email"
            )[:NAMES_SHOWN]
        ]
        if count
        else []
    )
    return {
        "waiting": count,
        "waiting_names": names,
        "waiting_more": max(0, count - len(names)),
        "top_up": has_published_pairs(cohort),
    }


@hr_required
@require_POST
def run_start(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Queue a run with the weights and rules in the form; HR's locks and excludes hold."""
    cohort = selectors.cohort_for_hr(slug)
    overrides = None
    # The cohort page's "Run a top-up" button sends no weights: the cohort's own apply.
    if "weight_reverse" in request.POST:
        form = RunForm.for_cohort(cohort, data=request.POST)
        if not form.is_valid():
            return render(
                request, "pairing/cohort.html", _cohort_context(request, cohort, form), status=422
            )
        overrides = form.overrides()
    try:
        run = services.start_run(cohort=cohort, by=request.user, overrides=overrides)
        record(actor=request.user, action="pairing.run_started", target=f"run {run.pk}")
    except services.PairingRefused as exc:
        messages.error(request, str(exc))
        return redirect("pairing:cohort", slug=cohort.slug)
    return redirect("pairing:board", slug=cohort.slug, pk=run.pk)


@hr_required
@require_POST
def rule_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Forget a lock or an exclude: the next run is free to choose again."""
    rule = get_object_or_404(
        Rule.objects.select_related("cohort", "junior__user__profile", "senior__user__profile"),
        pk=pk,
    )
    rule.delete()
    messages.success(
        request,
        f"{rule.get_kind_display()} of {rule.junior.user.full_name} and "
        f"{rule.senior.user.full_name} removed; it applies from the "
        f"next run.",
    )
    return redirect("pairing:cohort", slug=rule.cohort.slug)
