"""HR's actions land in the audit log, with who did it and no personal free text."""

from __future__ import annotations

from mentoring.audit.models import AuditEntry
from pairing.models import RematchRequest
from pairing.services.rematch import decline_rematch


def _actions() -> list[str]:
    return list(AuditEntry.objects.order_by("pk").values_list("action", flat=True))


def test_hr_actions_in_the_browser_are_recorded_with_who_did_them(cast, client):
    client.force_login(cast.hr)
    cohort = cast.cohort
    client.post(f"/cohorts/{cohort.slug}/invite/", {"action": "all"})
    client.get(f"/cohorts/{cohort.slug}/import/export.csv")
    client.get("/dashboard/export.csv")
    client.post(
        f"/pairing/pairs/{cast.pair.pk}/end/",
        {"reason": "Robert moved to Sydney", "confirmed": "yes"},
    )
    assert _actions() == [
        "invitations.sent",
        "export.downloaded",
        "export.downloaded",
        "pair.ended",
    ]
    entries = AuditEntry.objects.all()
    assert {entry.actor for entry in entries} == {cast.hr}
    assert all(entry.actor_display == "Harriet HR <hr@example.com>" for entry in entries)
    assert "Sydney" not in str(list(entries.values_list("target", "details")))


def test_a_rematch_decision_is_recorded_by_its_service(cast):
    request = RematchRequest.objects.create(
        pair=cast.pair, requested_by=cast.junior, reason="We never click"
    )
    decline_rematch(request=request, by=cast.hr, note="Give it a month, Asha")
    entry = AuditEntry.objects.get(action="rematch.declined")
    assert entry.target == f"re-match request {request.pk}"
    assert "Asha" not in entry.target + str(entry.details)
