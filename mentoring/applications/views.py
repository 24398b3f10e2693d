"""Applying to a cohort, and HR's review of the applications."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.decorators import hr_required
from accounts.http import AuthenticatedHttpRequest
from mentoring.applications import services
from mentoring.applications.forms import ApplyForm, CallForm, DecisionForm, QuestionForm
from mentoring.applications.models import Application, ApplicationCall, Question
from mentoring.audit.services import record
from mentoring.models import Cohort

# ---- The applicant ------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, slug: str) -> HttpResponse:
    """Signed-in people apply as themselves; through an invite link (``?t=``) people without
    an account give a name and an email."""
    token = request.GET.get("t", "")[:500]
    call = services.call_for_token(token) if token else None
    if call is not None and call.cohort.slug != slug:
        call = None
    user = request.user if request.user.is_authenticated else None
    anonymous = user is None
    if anonymous and call is None:
        if token:
            return render(request, "mentoring/applications/link_invalid.html", status=404)
        return redirect(f"{reverse('account_login')}?next={request.path}")
    if call is None:
        call = get_object_or_404(
            ApplicationCall.objects.select_related("cohort__programme"), cohort__slug=slug
        )
    if not request.user.is_authenticated and not call.is_open:
        raise Http404
    questions = list(call.questions.all())
    form = ApplyForm(request.POST or None, questions=questions, anonymous=anonymous)
    existing = None
    if user is not None:
        existing = Application.objects.filter(cohort=call.cohort, user=user).first()
    context = {
        "call": call,
        "cohort": call.cohort,
        "form": form,
        "existing": existing,
        "token": token,
    }
    if not call.accepting() and existing is None:
        return render(request, "mentoring/applications/closed.html", context)
    if request.method == "POST" and existing is None and form.is_valid():
        applicant = services.Applicant(
            user=user,
            email=form.cleaned_data.get("email", ""),
            full_name=form.cleaned_data.get("full_name", ""),
        )
        try:
            application, _ = services.application_submit(
                call=call,
                applicant=applicant,
                side=form.cleaned_data["side"],
                capacity=form.capacity(),
                answers=form.answers(),
            )
        except services.ApplicationRefused as exc:
            form.add_error(None, str(exc))
        else:
            return render(
                request,
                "mentoring/applications/thanks.html",
                {**context, "application": application},
            )
    status = 422 if request.method == "POST" and existing is None else 200
    return render(request, "mentoring/applications/apply.html", context, status=status)


@login_required
@require_GET
def mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    applications = Application.objects.filter(user=request.user).select_related("cohort__programme")
    return render(request, "mentoring/applications/mine.html", {"applications": applications})


# ---- HR -------------------------------------------------------------------------------------


def _cohort(slug: str) -> Cohort:
    return get_object_or_404(Cohort.objects.select_related("programme"), slug=slug)


@hr_required
@require_GET
def review(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    cohort = _cohort(slug)
    call = services.call_for(cohort)
    state = request.GET.get("state", "")
    side = request.GET.get("side", "")
    applications = Application.objects.filter(cohort=cohort).select_related("user__profile")
    if state in Application.State.values:
        applications = applications.filter(state=state)
    if side in ("junior", "senior"):
        applications = applications.filter(side=side)
    counts = dict(
        Application.objects.filter(cohort=cohort)
        .values("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    waiting = dict(
        Application.objects.filter(cohort=cohort, state=Application.State.WAITLISTED)
        .values("side")
        .annotate(n=Count("pk"))
        .values_list("side", "n")
    )
    link = request.build_absolute_uri(
        reverse("applications:apply", args=[cohort.slug]) + f"?t={services.link_token(call)}"
    )
    return render(
        request,
        "mentoring/applications/review.html",
        {
            "cohort": cohort,
            "call": call,
            "call_form": CallForm(instance=call),
            "question_form": QuestionForm(),
            "questions": call.questions.all(),
            "applications": applications[:500],
            "state": state,
            "side": side,
            "states": Application.State.choices,
            "counts": [
                (value, label, counts.get(value, 0)) for value, label in Application.State.choices
            ],
            "places": [
                (
                    "junior",
                    call.junior_places,
                    services.free_places(call, "junior"),
                    waiting.get("junior", 0),
                ),
                (
                    "senior",
                    call.senior_places,
                    services.free_places(call, "senior"),
                    waiting.get("senior", 0),
                ),
            ],
            "link": link,
        },
    )


@hr_required
@require_POST
def call_edit(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    cohort = _cohort(slug)
    form = CallForm(request.POST, instance=services.call_for(cohort))
    if not form.is_valid():
        messages.error(request, _first_error(form))
        return redirect("applications:review", slug=slug)
    try:
        services.call_save(cohort=cohort, **form.cleaned_data)
    except services.ApplicationRefused as exc:
        messages.error(request, str(exc))
    else:
        record(actor=request.user, action="applications.call_saved", target=f"cohort {cohort.pk}")
        messages.success(request, "Saved.")
    return redirect("applications:review", slug=slug)


@hr_required
@require_POST
def question_add(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    cohort = _cohort(slug)
    form = QuestionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _first_error(form))
        return redirect("applications:review", slug=slug)
    try:
        services.question_add(call=services.call_for(cohort), **form.cleaned_data)
    except services.ApplicationRefused as exc:
        messages.error(request, str(exc))
    return redirect(reverse("applications:review", args=[slug]) + "#questions")


@hr_required
@require_POST
def question_change(
    request: AuthenticatedHttpRequest, slug: str, pk: int, action: str
) -> HttpResponse:
    question = get_object_or_404(Question, pk=pk, call__cohort__slug=slug)
    if action == "remove":
        question.delete()
    elif action in ("up", "down"):
        services.question_move(question=question, up=action == "up")
    else:
        raise Http404
    return redirect(reverse("applications:review", args=[slug]) + "#questions")


@hr_required
@require_POST
def link_renew(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    services.link_renew(call=services.call_for(_cohort(slug)))
    messages.success(request, "A new invite link is ready; the old one no longer works.")
    return redirect("applications:review", slug=slug)


@hr_required
@require_GET
def application_detail(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    application = get_object_or_404(
        Application.objects.select_related("cohort__programme", "user__profile"),
        pk=pk,
        cohort__slug=slug,
    )
    return render(
        request,
        "mentoring/applications/detail.html",
        {"application": application, "cohort": application.cohort, "form": DecisionForm()},
    )


@hr_required
@require_POST
def application_decide(
    request: AuthenticatedHttpRequest, slug: str, pk: int, decision: str
) -> HttpResponse:
    application = get_object_or_404(Application, pk=pk, cohort__slug=slug)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _first_error(form))
        return redirect("applications:detail", slug=slug, pk=pk)
    try:
        if decision == "approve":
            services.application_approve(application=application, by=request.user)
            done = "Approved: the person is enrolled and invited."
        elif decision == "decline":
            services.application_decline(
                application=application, by=request.user, note=form.cleaned_data["note"]
            )
            done = "Declined; the applicant will be told."
        elif decision == "waitlist":
            services.application_waitlist(application=application, by=request.user)
            done = "Wait-listed; the applicant will be told."
        else:
            raise Http404
    except services.ApplicationRefused as exc:
        messages.error(request, str(exc))
        return redirect("applications:detail", slug=slug, pk=pk)
    record(actor=request.user, action=f"applications.{decision}", target=f"application {pk}")
    messages.success(request, done)
    return redirect("applications:review", slug=slug)


@hr_required
@require_POST
def take_next(request: AuthenticatedHttpRequest, slug: str, side: str) -> HttpResponse:
    if side not in ("junior", "senior"):
        raise Http404
    cohort = _cohort(slug)
    try:
        application = services.take_next_from_wait_list(cohort=cohort, side=side, by=request.user)
    except services.ApplicationRefused as exc:
        messages.error(request, str(exc))
        return redirect("applications:review", slug=slug)
    if application is None:
        messages.info(request, f"Nobody is on the {side} wait list.")
    else:
        record(
            actor=request.user,
            action="applications.approve",
            target=f"application {application.pk}",
        )
        messages.success(
            request,
            f"{application.user.full_name or application.user.email} is enrolled and invited.",
        )
    return redirect("applications:review", slug=slug)


def _first_error(form) -> str:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        return f"{label}: {errors[0]}" if label else errors[0]
    return "Check the form."
