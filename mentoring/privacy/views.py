"""The privacy pages: a participant's download, HR's erasure and data inventory, the privacy
notice of each programme, and the audit log."""

from __future__ import annotations

import csv

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from accounts.decorators import hr_required
from accounts.http import AuthenticatedHttpRequest
from accounts.models import User
from accounts.privacy import is_erased
from mentoring.audit.services import ACTIONS, record
from mentoring.lib.spreadsheet import neutralise
from mentoring.models import Programme
from mentoring.privacy import registry, selectors, services
from mentoring.privacy.forms import AuditFilterForm, ConfirmErasureForm, FindPersonForm

AUDIT_PER_PAGE = 100


def _notice_context() -> dict:
    return {"retention_days": settings.RETENTION_DAYS, "inventory": list(registry.inventory())}


@require_safe
def overview(request: HttpRequest) -> HttpResponse:
    """Linked from every page's footer; open to anyone, names no person."""
    programmes = (
        Programme.objects.filter(archived_at__isnull=True).order_by("name")
        if request.user.is_authenticated
        else Programme.objects.none()
    )
    return render(request, "privacy/overview.html", {**_notice_context(), "programmes": programmes})


@require_safe
def programme_notice(request: HttpRequest, slug: str) -> HttpResponse:
    """The programme's privacy notice, linked from its invitation email (open without login,
    since the invited person may not have an account yet)."""
    programme = get_object_or_404(Programme, slug=slug)
    return render(request, "privacy/programme.html", {**_notice_context(), "programme": programme})


@require_safe
@login_required
def my_data(request: AuthenticatedHttpRequest) -> HttpResponse:
    data = services.export_person(request.user)
    return render(request, "privacy/my_data.html", {"sections": selectors.readable(data)})


@require_safe
@login_required
def my_data_json(request: AuthenticatedHttpRequest) -> HttpResponse:
    response = HttpResponse(
        services.export_person_json(request.user), content_type="application/json; charset=utf-8"
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="twoway-my-data-{stamp}.json"'
    return response


@require_safe
@hr_required
def data_inventory(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "privacy/inventory.html", _notice_context())


@require_safe
@hr_required
def erase_find(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = FindPersonForm(request.GET or None)
    if form.is_bound and form.is_valid():
        person = services.find_person(form.cleaned_data["email"])
        if person is not None and not is_erased(person):
            return redirect("privacy:erase_confirm", person.pk)
        form.add_error("email", "Nobody has this email address.")
    return render(request, "privacy/erase_find.html", {"form": form})


@require_http_methods(["GET", "HEAD", "POST"])
@hr_required
def erase_confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(User.objects.select_related("profile"), pk=pk)
    if is_erased(person):
        messages.info(request, "This person has already been erased.")
        return redirect("privacy:erase_find")
    form = ConfirmErasureForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.erase_person(user=person, by=request.user)
        except services.ErasureRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, "Erased. Their former partners now see “a former participant”."
            )
            return redirect("privacy:erase_find")
    return render(
        request,
        "privacy/erase_confirm.html",
        {"person": person, "counts": services.erasure_preview(person), "form": form},
    )


@require_safe
@hr_required
def audit_log(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    page = Paginator(selectors.audit_entries(filters), AUDIT_PER_PAGE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "privacy/audit_log.html",
        {"form": form, "page": page, "actions": ACTIONS, "query": query.urlencode()},
    )


@require_safe
@hr_required
def audit_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    entries = selectors.audit_entries(filters)
    record(actor=request.user, action="export.downloaded", target="audit log")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="twoway-audit-{stamp}.csv"'
    writer = csv.writer(response)
    writer.writerow(["when", "who", "action", "target", "details"])
    for entry in entries.iterator():
        writer.writerow(
            [
                neutralise(entry.at.isoformat()),
                neutralise(entry.actor_display),
                neutralise(entry.action),
                neutralise(entry.target),
                neutralise(selectors.cell(entry.details)),
            ]
        )
    return response
