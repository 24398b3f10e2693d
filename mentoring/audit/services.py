"""Writing to the audit log: one call per HR action, in the action's own transaction."""

from __future__ import annotations

from django.db import transaction

from mentoring.audit.models import AuditEntry

# Action codes and how the HR page names them. A new code is added here first.
ACTIONS: dict[str, str] = {
    "import.committed": "Staff file imported",
    "invitations.sent": "Invitations sent",
    "invitation.resent": "Invitation resent",
    "pairing.run_started": "Pairing run started",
    "pairing.edited": "Pairing board edited",
    "pairs.published": "Pairs published",
    "pair.ended": "Pair ended",
    "rematch.resolved": "Re-match request resolved",
    "rematch.declined": "Re-match request declined",
    "export.downloaded": "Export downloaded",
    "person.erased": "Person erased",
    "retention.purged": "Retention purge",
    "programme.changed": "Programme settings changed",
    "cohort.changed": "Cohort settings changed",
    "cohort.status_changed": "Cohort status changed",
    "enrolment.changed": "Enrolment changed",
    "applications.call_saved": "Applications opened or changed",
    "applications.approve": "Application approved",
    "applications.decline": "Application declined",
    "applications.waitlist": "Application wait-listed",
    "shortlist.opened": "Shortlist opened or changed",
    "skill.renamed": "Skill renamed",
    "skill.merged": "Skills merged",
    "skill.synonym_added": "Skill synonym added",
    "profile.skills_corrected": "Profile skills corrected by HR",
}
DETAIL_TEXT_LIMIT = 100


class BadAuditEntry(ValueError):
    """A programming error: the entry would carry free text or an unknown action."""


def _check_detail(key: str, value, depth: int = 0) -> None:
    if value is None or isinstance(value, bool | int | float):
        return
    if isinstance(value, str):
        if len(value) > DETAIL_TEXT_LIMIT:
            raise BadAuditEntry(f"Audit detail {key!r} is free text; store ids and counts.")
        return
    if depth < 2 and isinstance(value, list | tuple):
        for item in value:
            _check_detail(key, item, depth + 1)
        return
    if depth < 2 and isinstance(value, dict):
        for item_key, item in value.items():
            _check_detail(f"{key}.{item_key}", str(item_key), depth + 1)
            _check_detail(f"{key}.{item_key}", item, depth + 1)
        return
    raise BadAuditEntry(f"Audit detail {key!r} must be a number, short label, list or dict.")


def actor_label(actor) -> str:
    if actor is None:
        return "system"
    profile = getattr(actor, "profile", None)
    name = profile.full_name if profile else ""
    return f"{name} <{actor.email}>" if name else actor.email


def record(*, actor, action: str, target: str = "", subject=None, **details) -> AuditEntry:
    """Append one entry. ``target`` names the object by kind and id or slug ("cohort autumn",
    "pair 12"), never by a person's name; ``details`` hold ids, counts and short labels only
    (free text is refused, so no note or answer can reach the log)."""
    if action not in ACTIONS:
        raise BadAuditEntry(f"Unknown audit action {action!r}; add it to ACTIONS.")
    for key, value in details.items():
        _check_detail(key, value)
    with transaction.atomic():
        return AuditEntry.objects.create(
            actor=actor if actor is not None and actor.pk else None,
            actor_display=actor_label(actor)[:300],
            action=action,
            target=target[:300],
            subject=subject,
            details=details,
        )


def record_taxonomy_change(*, by, action: str, skill, details: dict, **_) -> None:
    """Receiver of accounts' taxonomy_changed (accounts may not import the core): HR's
    renames, merges and synonyms go in the log, in the change's own transaction."""
    record(
        actor=by,
        action=f"skill.{action}",
        target=f"skill {skill.pk}",
        **{key: str(value)[:DETAIL_TEXT_LIMIT] for key, value in details.items()},
    )
