"""Staff import pages: upload → preview (counts and every bad row) → commit. HR only.

Reading, checking and writing run in a worker (jobs.py); the job page polls its progress with
htmx and, without JavaScript, offers a link to look again.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import HttpResponseClientRefresh

from accounts.decorators import hr_required
from accounts.http import AuthenticatedHttpRequest
from mentoring.audit.services import record
from mentoring.imports import jobs, storage
from mentoring.imports.export import cohort_staff_csv, template_csv
from mentoring.imports.forms import StaffUploadForm
from mentoring.imports.limits import MAX_ROWS
from mentoring.imports.models import ImportJob
from mentoring.imports.parse import REQUIRED_COLUMNS
from mentoring.imports.report import ImportReport
from mentoring.models import Cohort


def _cohort(slug: str) -> Cohort:
    return get_object_or_404(Cohort.objects.select_related("programme"), slug=slug)


def _job_for(request: AuthenticatedHttpRequest, cohort: Cohort, token: str) -> ImportJob:
    """The person's own job for this cohort, else 404 (a token is no key on its own)."""
    if not storage.TOKEN.fullmatch(token):
        raise Http404("No upload of yours with this link; upload the file again.")
    job = ImportJob.objects.filter(token=token, cohort=cohort, created_by=request.user).first()
    if job is None:
        raise Http404("No upload of yours with this link; upload the file again.")
    return jobs.fail_if_stale(job)


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
def upload(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    cohort = _cohort(slug)
    form = StaffUploadForm(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        return _upload_page(request, cohort, form)
    staff_file = form.cleaned_data["staff_file"]
    job = jobs.import_job_start(
        cohort=cohort, by=request.user, filename=staff_file.name or "upload", data=form.data_read
    )
    return redirect("mentoring:imports:preview", slug=cohort.slug, token=job.token)


@hr_required
@require_safe
def preview(request: AuthenticatedHttpRequest, slug: str, token: str) -> HttpResponse:
    """The job's page: progress while it runs, then the preview, the report or the outcome."""
    cohort = _cohort(slug)
    job = _job_for(request, cohort, token)
    if request.htmx:
        if job.is_finished:
            return HttpResponseClientRefresh()
        return render(
            request, "mentoring/imports/job.html#progress", {"cohort": cohort, "job": job}
        )
    report = jobs.job_report(job)
    if job.state == ImportJob.State.DONE and report is not None:
        if report.committed:
            messages.success(request, report.summary())
            return redirect(cohort.get_absolute_url())
        if not report.ok:
            return _upload_page(request, cohort, StaffUploadForm(), report)
        if job.step == ImportJob.Step.PREVIEW:
            return render(
                request,
                "mentoring/imports/preview.html",
                {"cohort": cohort, "report": report, "token": token},
            )
    return render(
        request, "mentoring/imports/job.html", {"cohort": cohort, "job": job, "report": report}
    )


@hr_required
@require_POST
def commit(request: AuthenticatedHttpRequest, slug: str, token: str) -> HttpResponse:
    cohort = _cohort(slug)
    job = _job_for(request, cohort, token)
    # A second click, or a commit of a job not previewed clean, just shows where the job is.
    if jobs.import_job_commit(job=job):
        record(actor=request.user, action="import.committed", target=f"cohort {cohort.slug}")
    return redirect("mentoring:imports:preview", slug=cohort.slug, token=job.token)


@hr_required
@require_POST
def retry(request: AuthenticatedHttpRequest, slug: str, token: str) -> HttpResponse:
    cohort = _cohort(slug)
    job = _job_for(request, cohort, token)
    if job.state == ImportJob.State.FAILED and not jobs.import_job_retry(job=job):
        return _upload_page(
            request,
            cohort,
            StaffUploadForm(),
            ImportReport(filename=job.filename, cohort_name=cohort.name, errors=[jobs.FILE_GONE]),
        )
    return redirect("mentoring:imports:preview", slug=cohort.slug, token=job.token)


def _csv_download(body: str, filename: str) -> HttpResponse:
    # A byte-order mark makes Excel open the file as UTF-8; the import accepts it.
    response = HttpResponse("\ufeff" + body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@hr_required
@require_safe
def template(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    _cohort(slug)
    return _csv_download(template_csv(), "twoway-staff-template.csv")


@hr_required
@require_safe
def export(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    cohort = _cohort(slug)
    record(actor=request.user, action="export.downloaded", target=f"staff of cohort {slug}")
    return _csv_download(cohort_staff_csv(cohort), f"twoway-{cohort.slug}-staff.csv")


__all__ = ["upload", "preview", "commit", "retry", "template", "export"]
