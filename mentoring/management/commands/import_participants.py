from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_slug
from django.db import transaction

from mentoring.imports.limits import MAX_BYTES
from mentoring.imports.report import ImportReport
from mentoring.imports.services import (
    cohort_for_shell,
    import_commit,
    import_preview,
    read_upload,
)
from mentoring.models import Cohort


class _Rejected(Exception):
    def __init__(self, report: ImportReport) -> None:
        self.report = report


class Command(BaseCommand):
    help = (
        "Import staff from a CSV or XLSX file into a cohort (the format of DESIGN.md "
        '"Staff import file"). A file with any bad row imports nothing and exits with 1.'
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="path to the .csv or .xlsx file")
        parser.add_argument(
            "--cohort", required=True, help="the cohort's slug; a new slug creates the cohort"
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="check the file and print what would change; write nothing",
        )

    def handle(self, *args, file: str, cohort: str, dry_run: bool, **options) -> None:
        try:
            validate_slug(cohort)
        except Exception:
            raise CommandError(
                f"--cohort {cohort!r} is not a slug (letters, digits, - and _)."
            ) from None
        path = Path(file)
        try:
            if path.stat().st_size > MAX_BYTES:
                raise CommandError(f"{file} is over the 5 MB limit; split it into several files.")
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror or exc}.") from None
        staff_file = read_upload(path.name, data)
        try:
            report = self._run(cohort, staff_file, dry_run)
        except _Rejected as rejected:
            report = rejected.report
        for notice in report.notices:
            self.stdout.write(f"notice: {notice}")
        if not report.ok:
            for line in report.problem_lines():
                self.stderr.write(line)
            if report.errors:
                why = "the file cannot be imported (see above)"
            else:
                why = (
                    f"{report.bad_lines} bad row{'s' if report.bad_lines != 1 else ''} "
                    "(listed above, by spreadsheet line; the header is line 1)"
                )
            raise CommandError(f"Nothing was imported from {path.name}: {why}.", returncode=1)
        self.stdout.write(self.style.SUCCESS(report.summary()))

    def _run(self, slug: str, staff_file, dry_run: bool) -> ImportReport:
        if dry_run:
            existing = Cohort.objects.filter(slug=slug).first()
            report = import_preview(cohort=existing, staff_file=staff_file)
            report.cohort_name = existing.name if existing else f"a new cohort “{slug}”"
            return report
        with transaction.atomic():
            cohort = cohort_for_shell(slug)
            report = import_commit(cohort=cohort, staff_file=staff_file)
            if not report.ok:
                raise _Rejected(report)  # rolls back the cohort this run created
        return report
