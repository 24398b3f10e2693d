from __future__ import annotations

import csv
import io
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRefresh

from accounts.decorators import hr_required
from accounts.http import AuthenticatedHttpRequest
from mentoring.audit.services import record
from mentoring.lib.spreadsheet import neutralise
from pairing import selectors, services
from pairing.attention import NAMES_SHOWN, declined_request, waiting_for_partner
from pairing.forms import DeclineForm, EndPairForm, RematchRequestForm, RunForm
from pairing.models import Pair, PairingRun, Proposal, RematchRequest, Rule
from pairing.services.inputs import has_published_pairs

# ---- HR: a cohort's pairing page --------------------------------------------------------


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


# ---- HR: the board ----------------------------------------------------------------------


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


def _version(data: QueryDict) -> int | None:
    try:
        return int(data.get("version", ""))
    except ValueError:
        return None


def _filter_query(data: QueryDict) -> str:
    kept = QueryDict(mutable=True)
    for name in ("q", "department", "min_score", "max_score", "locked", "warnings", "page"):
        value = data.get(name)
        if value:
            kept[name] = value
    return f"?{kept.urlencode()}" if kept else ""


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


def _confirmed(request: HttpRequest) -> bool:
    return request.POST.get("confirmed") == "yes"


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


# ---- HR: published pairs and re-match requests ------------------------------------------


@hr_required
@require_POST
def pair_end(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """First POST: a confirmation naming the two people; the confirmed POST ends the pair,
    and both wait for a partner in the next top-up run (never with each other again)."""
    pair = get_object_or_404(
        Pair.objects.select_related("cohort", "junior__user__profile", "senior__user__profile"),
        pk=pk,
    )
    form = EndPairForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say briefly why the pair ends.")
    elif pair.status != Pair.Status.ACTIVE:
        messages.info(request, "That pair had already ended.")
    elif not _confirmed(request):
        return render(
            request,
            "pairing/pair_end_confirm.html",
            {"pair": pair, "cohort": pair.cohort, "reason": form.cleaned_data["reason"]},
        )
    elif services.end_pair(pair=pair, reason=form.cleaned_data["reason"], by=request.user):
        messages.success(
            request,
            f"Ended the pair {pair.junior.user.full_name} → {pair.senior.user.full_name}. "
            "Both now wait for a partner: run a top-up to pair them "
            "(never with each other again).",
        )
    return redirect("pairing:cohort", slug=pair.cohort.slug)


@hr_required
@require_POST
def rematch_decide(request: AuthenticatedHttpRequest, pk: int, decision: str) -> HttpResponse:
    rematch = get_object_or_404(RematchRequest.objects.select_related("pair__cohort"), pk=pk)
    slug = rematch.pair.cohort.slug
    try:
        if decision == "resolve":
            services.resolve_rematch(
                request=rematch, by=request.user, note=request.POST.get("note", "")
            )
            messages.success(
                request,
                "Pair ended; both people are told and now wait for a partner. Run a top-up "
                "to pair them (never with each other again).",
            )
        elif decision == "decline":
            form = DeclineForm(request.POST)
            if not form.is_valid():
                messages.error(request, "Write a short note saying why you decline.")
                return redirect("pairing:cohort", slug=slug)
            services.decline_rematch(
                request=rematch, by=request.user, note=form.cleaned_data["note"]
            )
            messages.success(request, "Request declined; your note is recorded.")
        else:
            raise Http404("No such decision")
    except services.RematchRefused as exc:
        messages.error(request, str(exc))
    return redirect("pairing:cohort", slug=slug)


# ---- Participants -----------------------------------------------------------------------


@login_required
@require_GET
def my_pair(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """ "Why we matched you": only the pair's two members, nobody else (404)."""
    pair = selectors.pair_for_member(request.user, pk)
    return render(
        request,
        "pairing/my_pair.html",
        {
            "why": selectors.why_matched(pair, request.user),
            "open_request": pair.rematch_requests.filter(status=RematchRequest.Status.OPEN).first(),
            "declined_request": declined_request(pair, request.user),
            "pair_page": reverse("sessions_log:pair", args=[pair.pk]),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def rematch_request(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    pair = selectors.pair_for_member(request.user, pk)
    form = RematchRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_rematch(pair=pair, by=request.user, reason=form.cleaned_data["reason"])
        except services.RematchRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                "Your request is with HR. Nobody is at fault; HR will "
                "be in touch about a new partner.",
            )
        return redirect("pairing:my_pair", pk=pair.pk)
    return render(
        request,
        "pairing/rematch_request.html",
        {
            "pair": pair,
            "form": form,
            "partner": pair.partner_of(request.user),
            "open_request": pair.rematch_requests.filter(status=RematchRequest.Status.OPEN).first(),
        },
        status=422 if request.method == "POST" else 200,
    )
