"""The import's entry points: read an upload, preview it, commit it (inviting people who join
an active cohort), and the cohort a shell import goes into."""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction

from mentoring.imports.bulk import chunks
from mentoring.imports.parse import StaffFile, read_staff_file
from mentoring.imports.report import ImportReport
from mentoring.imports.services.planning import _Plan, _plan
from mentoring.imports.services.writing import _apply
from mentoring.imports.signals import people_imported
from mentoring.lib.sql import among
from mentoring.models import Cohort, Enrolment, Programme
from mentoring.services.invitations import invitations_send


def read_upload(filename: str, data: bytes) -> StaffFile:
    return read_staff_file(filename, data, default_timezone=settings.TIME_ZONE)


def import_preview(*, cohort: Cohort | None, staff_file: StaffFile) -> ImportReport:
    """What committing this file would change; writes nothing."""
    return _plan(cohort, staff_file).report


@transaction.atomic
def import_commit(*, cohort: Cohort, staff_file: StaffFile) -> ImportReport:
    """Upsert every person of a good file into the cohort in one transaction; a file with any
    bad row changes nothing and comes back with `ok` false."""
    plan = _plan(cohort, staff_file)
    if not plan.report.ok:
        return plan.report
    try:
        with transaction.atomic():
            _apply(cohort, plan)
            invited = _invite_late_joiners(cohort, plan)
    except IntegrityError:
        # Another import or an HR edit wrote the same people a moment ago.
        plan.report.errors.append(
            "Someone changed these people while the file was being "
            "imported, so nothing was imported. Try again."
        )
        return plan.report
    plan.report.committed = True
    if invited:
        plan.report.notices.append(
            f"{cohort.name} is active, so the {_people(invited)} joining it "
            f"{'is' if invited == 1 else 'are'} invited now and wait for a partner: run a "
            "top-up from the cohort page."
        )
    # Raw bulk writes send no model signals: say so once the rows are there.
    transaction.on_commit(lambda: people_imported.send(sender=Cohort))
    return plan.report


def _people(count: int) -> str:
    return "1 person" if count == 1 else f"{count} people"


def _invite_late_joiners(cohort: Cohort, plan: _Plan) -> int:
    """People who join an active cohort are invited at once, as when HR adds one by hand:
    the cohort's invitations went out long ago and nobody would send theirs. In the import's
    transaction, so the invitations exist exactly when the enrolments do."""
    if cohort.status != Cohort.Status.ACTIVE:
        return 0
    joiners = [person.user_id for person in plan.people if person.enrolment is None]
    enrolment_ids: list[int] = []
    for batch in chunks(joiners):
        enrolment_ids += Enrolment.objects.filter(
            cohort=cohort, user_id__in=among(batch, "bigint")
        ).values_list("pk", flat=True)
    return sum(
        invitations_send(cohort=cohort, enrolment_ids=batch).scheduled
        for batch in chunks(enrolment_ids)
    )


def cohort_for_shell(slug: str) -> Cohort:
    """The cohort a shell import goes into, created with a default programme when new."""
    cohort = Cohort.objects.filter(slug=slug).first()
    if cohort is not None:
        return cohort
    programme, _ = Programme.objects.get_or_create(
        slug="default", defaults={"name": "Reverse mentoring"}
    )
    name = slug.replace("-", " ").replace("_", " ").strip().capitalize() or slug
    return Cohort.objects.create(
        programme=programme, slug=slug, name=name, status=Cohort.Status.ENROLLING
    )
