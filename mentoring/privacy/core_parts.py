"""The core's own parts, and the accounts app's (accounts sits below the core and cannot
register itself without importing upward)."""

from __future__ import annotations

from django.db.models import Q

from accounts import privacy as account_privacy
from mentoring.audit.models import AuditEntry
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


def _datums(rows) -> tuple[Datum, ...]:
    return tuple(Datum(*row) for row in rows)


def ensure_registered() -> None:
    if {"accounts", "enrolments", "audit"} <= set(_PARTS):
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
            name="accounts",
            order=90,
            export=account_privacy.export_account,
            count=account_privacy.count_account,
            erase=account_privacy.erase_account,
            inventory=_datums(account_privacy.INVENTORY),
        )
    )
