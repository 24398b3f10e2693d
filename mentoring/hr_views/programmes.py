"""HR's pages for programmes."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.decorators import hr_required
from accounts.http import AuthenticatedHttpRequest
from mentoring.audit.services import record
from mentoring.forms import (
    ProgrammeForm,
)
from mentoring.hr_views._shared import (
    _programme_for,
)
from mentoring.services import programmes


@hr_required
@require_http_methods(["GET", "HEAD", "POST"])
def programme_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ProgrammeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        programme = form.save()
        messages.success(request, f"Programme “{programme.name}” created. Add its first cohort.")
        return redirect("mentoring:cohort_create", programme.slug)
    return render(request, "mentoring/programme_form.html", {"form": form, "programme": None})


@hr_required
@require_safe
def programme_detail(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    programme = _programme_for(slug)
    cohorts = programme.cohorts.annotate(
        juniors=Count(
            "enrolments", filter=Q(enrolments__side="junior", enrolments__status="active")
        ),
        seniors=Count(
            "enrolments", filter=Q(enrolments__side="senior", enrolments__status="active")
        ),
    ).order_by("archived_at", "-starts_on", "name")
    return render(
        request, "mentoring/programme_detail.html", {"programme": programme, "cohorts": cohorts}
    )


@hr_required
@require_http_methods(["GET", "HEAD", "POST"])
def programme_edit(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    programme = _programme_for(slug)
    form = ProgrammeForm(request.POST or None, instance=programme)
    if request.method == "POST" and form.is_valid():
        form.save()
        record(actor=request.user, action="programme.changed", target=f"programme {slug}")
        messages.success(request, "Programme saved.")
        return redirect("mentoring:programme_detail", programme.slug)
    programme.refresh_from_db()  # an invalid form must not show a half-changed heading
    return render(request, "mentoring/programme_form.html", {"form": form, "programme": programme})


@hr_required
@require_POST
def programme_archive(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    programme = _programme_for(slug)
    if request.POST.get("action") == "restore":
        programmes.programme_restore(programme=programme)
        messages.success(request, f"“{programme.name}” is back on the programmes page.")
        return redirect("mentoring:programme_detail", programme.slug)
    programmes.programme_archive(programme=programme)
    messages.success(
        request,
        f"“{programme.name}” is archived. Nothing was deleted; you can restore it from its page.",
    )
    return redirect("mentoring:home")
