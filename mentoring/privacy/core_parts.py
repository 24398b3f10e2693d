"""The core's own parts, and the accounts app's (accounts sits below the core and cannot
register itself without importing upward)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q

from accounts import privacy as account_privacy
from mentoring.audit.models import AuditEntry
from mentoring.imports import storage as import_storage
from mentoring.imports.models import ImportJob
from mentoring.models import Enrolment
from mentoring.privacy.registry import _PARTS, Datum, Erasure, Part, register


def _export_enrolments(user) -> dict:
    rows = Enrolment.objects.filter(user=user).select_related("cohort__programme")
    return {
        "enrolments": [
            {
                "programme": row.cohort.programme.name,
                "cohort": row.cohort.name,
                "side": row.side,
                "capacity": row.capacity,
                "status": row.status,
                "enrolled_at": row.created_at,
                "invited_at": row.invited_at,
            }
            for row in rows
        ]
    }


def _count_enrolments(user) -> dict[str, int]:
    return {"enrolments (kept without a name, for the figures)": user.enrolments.count()}


def _export_audit(user) -> dict:
    rows = AuditEntry.objects.filter(subject=user).order_by("at")
    return {
        "hr_actions_about_you": [
            {"at": row.at, "action": row.action, "target": row.target} for row in rows
        ]
    }


def _count_audit(user) -> dict[str, int]:
    return {
        "audit entries (kept, name replaced by a pseudonym)": AuditEntry.objects.filter(
            Q(actor=user) | Q(subject=user)
        ).count()
    }


def _erase_audit(user, erasure: Erasure) -> None:
    AuditEntry.objects.filter(actor=user).pseudonymise(actor_display=erasure.pseudonym)
    mentions = Q()
    for needle in (erasure.email, *erasure.names):
        if needle:
            mentions |= Q(actor_display__icontains=needle) | Q(target__icontains=needle)
    for entry in AuditEntry.objects.filter(mentions).only("pk", "actor_display", "target"):
        AuditEntry.objects.filter(pk=entry.pk).pseudonymise(
            actor_display=erasure.scrub(entry.actor_display, erasure.pseudonym),
            target=erasure.scrub(entry.target, erasure.pseudonym),
        )


def _scrubbed(value, erasure: Erasure):
    """A JSON value with the person's email and names replaced in its strings (keys stay)."""
    if isinstance(value, str):
        return erasure.scrub(value, erasure.pseudonym)
    if isinstance(value, list):
        return [_scrubbed(item, erasure) for item in value]
    if isinstance(value, dict):
        return {key: _scrubbed(item, erasure) for key, item in value.items()}
    return value


def _erase_imports(user, erasure: Erasure) -> None:
    # Whether a stored staff file names the person is only known by parsing it (XLSX is
    # zipped), which can take seconds per file; an upload is HR's own copy kept at most a day
    # for the commit step, so every one goes. A commit from a deleted upload stops with "the
    # file is gone" instead of bringing the erased person back.
    transaction.on_commit(import_storage.discard_all)
    for job in ImportJob.objects.filter(report__icontains=erasure.email).only("pk", "report"):
        ImportJob.objects.filter(pk=job.pk).update(report=_scrubbed(job.report, erasure))


def _datums(rows) -> tuple[Datum, ...]:
    return tuple(Datum(*row) for row in rows)


def ensure_registered() -> None:
    if {"accounts", "enrolments", "audit", "imports"} <= set(_PARTS):
        return
    register(
        Part(
            name="enrolments",
            order=80,
            export=_export_enrolments,
            count=_count_enrolments,
            inventory=_datums(
                [
                    (
                        "Enrolments",
                        "cohort, side (junior or senior), capacity, status, invitation dates",
                        "the person; HR; managers as counts only",
                        "kept without a name after erasure or the retention purge",
                    ),
                ]
            ),
        )
    )
    register(
        Part(
            name="audit",
            order=85,
            export=_export_audit,
            count=_count_audit,
            erase=_erase_audit,
            inventory=_datums(
                [
                    (
                        "Audit log",
                        "who (HR person), action, target (ids, no free text), when",
                        "HR admins",
                        "kept; an erased person's name becomes a pseudonym",
                    ),
                    (
                        "Past pair hashes",
                        "HMAC of the two email addresses of each past pair, date of close",
                        "nobody (the pairing engine checks them)",
                        "kept, so the same two people are never paired again",
                    ),
                ]
            ),
        )
    )
    register(
        Part(
            name="imports",
            order=86,
            erase=_erase_imports,
            inventory=_datums(
                [
                    (
                        "Uploaded staff files",
                        "the CSV or XLSX HR uploads: names, emails, job details, managers, skills",
                        "nobody (the import reads them)",
                        "deleted once committed, after a day if never committed, and all of "
                        "them when anyone is erased (HR uploads again to go on)",
                    ),
                    (
                        "Import reports",
                        "per file: counts, and the email and reason of each row with a problem",
                        "HR admins",
                        "kept with the import job; an erased person's email and name become "
                        "a pseudonym",
                    ),
                ]
            ),
        )
    )
    register(
        Part(
            name="accounts",
            order=90,
            export=account_privacy.export_account,
            count=account_privacy.count_account,
            erase=account_privacy.erase_account,
            inventory=_datums(account_privacy.INVENTORY),
        )
    )
