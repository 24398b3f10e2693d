"""Staff import pages: upload → preview (counts and every bad row) → commit. HR only."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.decorators import hr_required
from mentoring.imports import storage
from mentoring.imports.export import cohort_staff_csv, template_csv
from mentoring.imports.forms import StaffUploadForm
from mentoring.imports.parse import MAX_ROWS, REQUIRED_COLUMNS
from mentoring.imports.report import ImportReport
from mentoring.imports.services import import_commit, import_preview, read_upload
from mentoring.models import Cohort


def _cohort(slug: str) -> Cohort:
    return get_object_or_404(Cohort.objects.select_related("programme"), slug=slug)


def _upload_page(
    request: HttpRequest, cohort: Cohort, form: StaffUploadForm, report: ImportReport | None = None
) -> HttpResponse:
    return render(
        request,
        "mentoring/imports/upload.html",
        {
            "cohort": cohort,
            "form": form,
            "report": report,
            "required_columns": REQUIRED_COLUMNS,
            "max_rows": MAX_ROWS,
            "site_timezone": settings.TIME_ZONE,
        },
    )


@hr_required
@require_http_methods(["GET", "HEAD", "POST"])
def upload(request: HttpRequest, slug: str) -> HttpResponse:
    cohort = _cohort(slug)
    form = StaffUploadForm(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        return _upload_page(request, cohort, form)
    staff_file = form.cleaned_data["staff_file"]
    filename, data = staff_file.name or "upload", staff_file.read()
    report = import_preview(cohort=cohort, staff_file=read_upload(filename, data))
    if not report.ok:
        return _upload_page(request, cohort, StaffUploadForm(), report)
    token = storage.store_upload(request, cohort, filename, data)
    return redirect("mentoring:imports:preview", slug=cohort.slug, token=token)


def _stored(request: HttpRequest, cohort: Cohort, token: str) -> storage.StoredUpload:
    stored = storage.load_upload(request, cohort, token)
    if stored is None:
        raise Http404("No upload of yours with this link; upload the file again.")
    return stored


@hr_required
@require_safe
def preview(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    cohort = _cohort(slug)
    stored = _stored(request, cohort, token)
    report = import_preview(cohort=cohort, staff_file=read_upload(stored.filename, stored.data))
    if not report.ok:  # the people on Twoway changed since the upload
        storage.discard_upload(request, token)
        return _upload_page(request, cohort, StaffUploadForm(), report)
    return render(
        request,
        "mentoring/imports/preview.html",
        {"cohort": cohort, "report": report, "token": token},
    )


@hr_required
@require_POST
def commit(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    cohort = _cohort(slug)
    stored = _stored(request, cohort, token)
    # Checked again from the stored bytes: the preview was only what the file said then.
    report = import_commit(cohort=cohort, staff_file=read_upload(stored.filename, stored.data))
    storage.discard_upload(request, token)
    if not report.ok:
        return _upload_page(request, cohort, StaffUploadForm(), report)
    messages.success(request, report.summary())
    return redirect(cohort.get_absolute_url())


def _csv_download(body: str, filename: str) -> HttpResponse:
    # A byte-order mark makes Excel open the file as UTF-8; the import accepts it.
    response = HttpResponse("\ufeff" + body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@hr_required
@require_safe
def template(request: HttpRequest, slug: str) -> HttpResponse:
    _cohort(slug)
    return _csv_download(template_csv(), "twoway-staff-template.csv")


@hr_required
@require_safe
def export(request: HttpRequest, slug: str) -> HttpResponse:
    cohort = _cohort(slug)
    return _csv_download(cohort_staff_csv(cohort), f"twoway-{cohort.slug}-staff.csv")


__all__ = ["upload", "preview", "commit", "template", "export"]
