"""HR's board of a run's proposals: the page, its progress while the run computes, and the
edits (lock, exclude, unpair, swap, pair by hand) answered with the refreshed board."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRefresh

from accounts.decorators import hr_required
from accounts.http import AuthenticatedHttpRequest
from mentoring.audit.services import record
from pairing import selectors, services
from pairing.models import PairingRun, Proposal
from pairing.views._shared import _version


@hr_required
@require_GET
def board(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    run = selectors.run_of_cohort(selectors.cohort_for_hr(slug), pk)
    filters = selectors.BoardFilters.from_query(request.GET)
    template = "pairing/board.html#proposals" if request.htmx else "pairing/board.html"
    return render(request, template, _board_context(run, filters))


def _board_context(run: PairingRun, filters: selectors.BoardFilters, **extra) -> dict:
    context = {"run": run, "cohort": run.cohort, "filters": filters, **extra}
    if run.status == PairingRun.Status.DONE:
        context["board"] = selectors.board(run, filters)
    return context


@hr_required
@require_GET
def run_progress(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    """Polled while a run computes; once it has finished the page reloads into the board."""
    run = selectors.run_of_cohort(selectors.cohort_for_hr(slug), pk)
    if request.htmx and run.is_finished:
        return HttpResponseClientRefresh()
    if not request.htmx:
        return redirect("pairing:board", slug=slug, pk=run.pk)
    return render(request, "pairing/board.html#progress", {"run": run, "cohort": run.cohort})


def _edit_lock(run, data, by, version) -> str:
    if data.get("locked") == "0":
        proposal = services.unlock_proposal(
            run=run, proposal_id=data.get("proposal"), version=version, by=by
        )
        return f"Unlocked {_names(proposal)}."
    proposal = services.lock_proposal(
        run=run, proposal_id=data.get("proposal"), version=version, by=by
    )
    return f"Locked {_names(proposal)}: re-runs keep this pair."


def _edit_exclude(run, data, by, version) -> str:
    rule = services.exclude_proposal(
        run=run, proposal_id=data.get("proposal"), version=version, by=by
    )
    return (
        f"Excluded {rule.junior.user.full_name} and {rule.senior.user.full_name}: they will "
        f"not be proposed together again. Both now have a free place."
    )


def _edit_unpair(run, data, by, version) -> str:
    services.unpair_proposal(run=run, proposal_id=data.get("proposal"), version=version, by=by)
    return "Pair taken off the board; both people now have a free place."


def _edit_swap(run, data, by, version) -> str:
    chosen = data.getlist("proposal")
    if len(chosen) != 2:
        raise services.BoardError("Tick exactly two pairs to swap their partners.")
    first, second = services.swap_partners(
        run=run, first_id=chosen[0], second_id=chosen[1], version=version, by=by
    )
    return f"Swapped partners: {_scored(first)}; {_scored(second)}."


def _edit_pair(run, data, by, version) -> str:
    proposal = services.pair_by_hand(
        run=run, junior_id=data.get("junior"), senior_id=data.get("senior"), version=version, by=by
    )
    return f"Paired by hand: {_scored(proposal)}."


_EDITS: dict[str, Callable[..., str]] = {
    "lock": _edit_lock,
    "exclude": _edit_exclude,
    "unpair": _edit_unpair,
    "swap": _edit_swap,
    "pair": _edit_pair,
}


def _names(proposal: Proposal) -> str:
    return f"{proposal.junior.user.full_name} and {proposal.senior.user.full_name}"


def _scored(proposal: Proposal) -> str:
    text = f"{_names(proposal)} score {proposal.score}"
    if proposal.warnings:
        text += " — rule break: " + ", ".join(proposal.warnings)
    return text


@hr_required
@require_POST
def board_edit(request: AuthenticatedHttpRequest, slug: str, pk: int, action: str) -> HttpResponse:
    """Lock, unlock, exclude, unpair, swap or pair by hand; answers with the refreshed board.
    A stale version (someone else edited meanwhile) changes nothing and says so: in the htmx
    fragment, or as a 409 page without JavaScript (422 for an edit that cannot be made)."""
    run = selectors.run_of_cohort(selectors.cohort_for_hr(slug), pk)
    edit = _EDITS.get(action)
    if edit is None:
        raise Http404("No such board action")
    data = request.POST
    status, notice, level = 200, "", "success"
    total_before = run.total_score
    try:
        notice = edit(run, data, request.user, _version(data))
        record(actor=request.user, action="pairing.edited", target=f"run {run.pk}", edit=action)
        run.refresh_from_db()
        change = run.total_score - total_before
        notice += f" Total score now {run.total_score} ({change:+d})."
    except services.BoardConflict:
        status, level = 409, "warning"
        notice = (
            "Someone else changed this board while you were looking at it, so nothing "
            "was changed. Here is the board as it is now: check it and try again."
        )
    except services.BoardError as exc:
        status, level, notice = 422, "error", str(exc)
    run.refresh_from_db()
    filters = selectors.BoardFilters.from_query(data)
    if not request.htmx:
        if status == 200:
            messages.success(request, notice)
            return redirect(reverse("pairing:board", args=[slug, run.pk]) + _filter_query(data))
        return render(
            request,
            "pairing/board.html",
            _board_context(run, filters, notice=notice, notice_level=level),
            status=status,
        )
    # htmx swaps the refreshed board with its message in place; a 4xx would be dropped by htmx
    # and logged by the browser as an error, so the fragment always comes with 200.
    return render(
        request,
        "pairing/board.html#board",
        _board_context(run, filters, notice=notice, notice_level=level),
    )


def _filter_query(data: QueryDict) -> str:
    kept = QueryDict(mutable=True)
    for name in ("q", "department", "min_score", "max_score", "locked", "warnings", "page"):
        value = data.get(name)
        if value:
            kept[name] = value
    return f"?{kept.urlencode()}" if kept else ""
