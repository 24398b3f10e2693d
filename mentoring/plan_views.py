"""HR's plan pages: the ordered steps of a programme's session plan (add, edit, delete, move
with htmx, and without JavaScript), the guides for each side, and starting from a template."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import hr_required
from accounts.http import AuthenticatedHttpRequest
from mentoring.models import PlanStep, Programme
from mentoring.plan_forms import FromTemplateForm, GuidesForm, PlanStepForm
from mentoring.services import plan_files, plans


def _programme_for(slug: str) -> Programme:
    return get_object_or_404(Programme, slug=slug)


def _step_for(programme: Programme, pk: int) -> PlanStep:
    return get_object_or_404(PlanStep, programme=programme, pk=pk)


def programme_plan_url(programme: Programme) -> str:
    return reverse("mentoring:plan", args=[programme.slug])


def _render_plan(
    request: AuthenticatedHttpRequest,
    programme: Programme,
    *,
    form: PlanStepForm | None = None,
    status: int = 200,
) -> HttpResponse:
    template = "mentoring/plan/plan.html#plan-steps" if request.htmx else "mentoring/plan/plan.html"
    return render(
        request,
        template,
        {
            "programme": programme,
            "steps": list(programme.plan_steps.order_by("position", "pk")),
            "form": form or PlanStepForm(initial={"due_week": _next_week(programme)}),
        },
        status=status,
    )


def _next_week(programme: Programme) -> int:
    last = programme.plan_steps.order_by("-position").values_list("due_week", flat=True).first()
    return min((last or 0) + 2, PlanStep.MAX_WEEK)


@hr_required
@require_http_methods(["GET", "POST"])
def plan_detail(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """The plan page; posting the form at its foot adds a step."""
    programme = _programme_for(slug)
    if request.method == "GET":
        return _render_plan(request, programme)
    form = PlanStepForm(request.POST)
    if form.is_valid():
        try:
            step = plans.step_add(programme=programme, **form.step_values())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Step “{step.title}” added.")
            if not request.htmx:
                return redirect("mentoring:plan", programme.slug)
            # Added: a fresh form for the next step.
            return _render_plan(request, programme)
    return _render_plan(request, programme, form=form, status=400)


@hr_required
@require_http_methods(["GET", "POST"])
def step_edit(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = _programme_for(slug)
    step = _step_for(programme, pk)
    form = PlanStepForm(request.POST or None, instance=step)
    if request.method == "POST" and form.is_valid():
        try:
            plans.step_update(step=_step_for(programme, pk), **form.step_values())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Step saved.")
            return redirect(f"{programme_plan_url(programme)}#step-{pk}")
    step = _step_for(programme, pk)  # the heading shows what is saved
    return render(
        request,
        "mentoring/plan/step_form.html",
        {"programme": programme, "step": step, "form": form},
        status=400 if form.errors else 200,
    )


@hr_required
@require_POST
def step_delete(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = _programme_for(slug)
    step = PlanStep.objects.filter(programme=programme, pk=pk).first()
    if step is not None:  # a second click on a deleted step is not an error
        plans.step_delete(step=step)
        messages.success(request, f"Step “{step.title}” deleted.")
    if request.htmx:
        return _render_plan(request, programme)
    return redirect("mentoring:plan", programme.slug)


@hr_required
@require_POST
def step_move(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = _programme_for(slug)
    step = _step_for(programme, pk)
    direction = request.POST.get("direction")
    if direction in ("up", "down"):
        plans.step_move(step=step, by=-1 if direction == "up" else 1)
    else:
        messages.error(request, "Choose to move the step up or down.")
    if request.htmx:
        return _render_plan(request, programme)
    return redirect(f"{programme_plan_url(programme)}#step-{pk}")


@hr_required
@require_http_methods(["GET", "POST"])
def guides_edit(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    programme = _programme_for(slug)
    form = GuidesForm(request.POST or None, instance=programme)
    if request.method == "POST" and form.is_valid():
        plans.guides_update(programme=programme, **form.cleaned_data)
        messages.success(request, "Guides saved.")
        return redirect("mentoring:plan", programme.slug)
    programme = _programme_for(slug)
    return render(
        request,
        "mentoring/plan/guides_form.html",
        {"programme": programme, "form": form},
        status=400 if form.errors else 200,
    )


@hr_required
@require_http_methods(["GET", "POST"])
def programme_from_template(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Start a programme from a shipped template: its agreement, guides and plan, all
    editable afterwards."""
    templates = plan_files.shipped_templates()
    form = FromTemplateForm(
        request.POST or None,
        templates=templates,
        initial={"template": request.GET.get("template")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = next(t for t in templates if t.key == data["template"])
        name = " ".join(data["name"].split()) or chosen.name
        existing = plan_files.just_created(name=name)
        if existing is not None:  # a double click or a second tab: one programme, not two
            return redirect("mentoring:plan", existing.slug)
        try:
            programme = plan_files.programme_create_from(document=chosen.document, name=name)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                f"Programme “{programme.name}” created from the template. Review its plan, "
                "agreement and guides, then add a cohort.",
            )
            return redirect("mentoring:plan", programme.slug)
    return render(
        request,
        "mentoring/plan/from_template.html",
        {"form": form, "templates": templates},
        status=400 if form.errors else 200,
    )
