from __future__ import annotations

import csv
import io
import json

from django.utils import timezone

from accounts.models import User
from mentoring.audit.models import AuditEntry
from mentoring.audit.services import record
from tests.privacy.conftest import JUNIOR_NOTE, SENIOR_NOTE


def test_a_participant_downloads_their_own_data_as_json(history, client):
    client.force_login(history.cast.junior)
    response = client.get("/privacy/my-data.json")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["email"] == "junior@example.com"
    assert JUNIOR_NOTE in response.content.decode()
    assert SENIOR_NOTE not in response.content.decode()


def test_the_readable_summary_shows_their_note_but_not_the_partners(history, client):
    client.force_login(history.cast.junior)
    page = client.get("/privacy/my-data/").content.decode()
    assert "Download my data" in page
    assert "Asha&#x27;s private worry" in page
    assert "Robert&#x27;s private thought" not in page


def test_the_download_needs_a_login(db, client):
    assert client.get("/privacy/my-data.json").status_code == 302


def test_the_profile_page_offers_the_download(history, client):
    client.force_login(history.cast.junior)
    assert "/privacy/my-data/" in client.get("/accounts/profile/").content.decode()


def test_every_page_links_to_the_privacy_notice(history, client):
    assert 'href="/privacy/"' in client.get("/accounts/login/").content.decode()
    client.force_login(history.cast.junior)
    assert 'href="/privacy/"' in client.get("/").content.decode()


def test_a_programmes_notice_is_readable_without_login(history, client):
    programme = history.cast.cohort.programme
    page = client.get(f"/privacy/programmes/{programme.slug}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert programme.name in text
    assert "Your private notes" in text
    assert "365 days" in text
    assert client.get("/privacy/programmes/no-such-programme/").status_code == 404


def test_hr_reads_the_data_inventory_and_others_cannot(history, client):
    client.force_login(history.cast.hr)
    page = client.get("/privacy/inventory/").content.decode()
    assert "Private notes" in page and "their author only" in page
    client.force_login(history.cast.junior)
    assert client.get("/privacy/inventory/").status_code == 403


def test_hr_sees_what_erasure_removes_before_confirming(history, client):
    client.force_login(history.cast.hr)
    found = client.get("/privacy/erase/", {"email": "JUNIOR@example.com"})
    assert found.status_code == 302
    page = client.get(found["Location"]).content.decode()
    assert "private notes (deleted)" in page
    unconfirmed = client.post(found["Location"], {})
    assert "nothing was erased" in unconfirmed.content.decode()
    assert User.objects.filter(email="junior@example.com").exists()

    client.post(found["Location"], {"confirm": "on"})
    assert not User.objects.filter(email="junior@example.com").exists()
    entry = AuditEntry.objects.get(action="person.erased")
    assert entry.actor == history.cast.hr


def test_an_unknown_email_is_a_clear_message(history, client):
    client.force_login(history.cast.hr)
    page = client.get("/privacy/erase/", {"email": "nobody@example.com"})
    assert "Nobody has this email address." in page.content.decode()
    assert client.get("/privacy/erase/", {"email": "not an email"}).status_code == 200


def test_only_hr_can_erase(history, client):
    client.force_login(history.cast.manager)
    url = f"/privacy/erase/{history.cast.junior.pk}/"
    assert client.post(url, {"confirm": "on"}).status_code == 403
    assert User.objects.filter(email="junior@example.com").exists()


def test_hr_filters_the_audit_log_and_exports_it_formula_safe(history, client):
    record(actor=history.cast.hr, action="cohort.changed", target="cohort =HYPERLINK(1)")
    client.force_login(history.cast.hr)
    page = client.get("/privacy/audit/", {"action": "cohort.changed"}).content.decode()
    assert "cohort =HYPERLINK(1)" in page
    assert "invitation.resent" not in page.split("<tbody>")[1]
    tomorrow = (timezone.localdate() + timezone.timedelta(days=1)).isoformat()
    empty = client.get("/privacy/audit/", {"date_from": tomorrow}).content.decode()
    assert "No entries match." in empty
    bad = client.get("/privacy/audit/", {"date_from": "yesterday-ish"})
    assert bad.status_code == 200

    export = client.get("/privacy/audit/export.csv", {"actor": "harriet"})
    rows = list(csv.reader(io.StringIO(export.content.decode())))
    assert rows[0] == ["when", "who", "action", "target", "details"]
    targets = [row[3] for row in rows[1:]]
    assert "cohort =HYPERLINK(1)" in targets
    assert all(row[1].startswith("Harriet HR") for row in rows[1:])
    assert AuditEntry.objects.filter(action="export.downloaded", target="audit log").exists()


def test_the_audit_log_is_hr_only(history, client):
    client.force_login(history.cast.junior)
    assert client.get("/privacy/audit/").status_code == 403
    assert client.get("/privacy/audit/export.csv").status_code == 403


def test_the_invitation_email_links_the_programmes_privacy_notice(history):
    from django.core import mail

    from mentoring import outbox
    from mentoring.services.invitations import invitations_send

    cohort = history.cast.cohort
    invitations_send(cohort=cohort)
    outbox.send_due()
    notice = f"/privacy/programmes/{cohort.programme.slug}/"
    assert mail.outbox and all(notice in message.body for message in mail.outbox)
    assert notice in mail.outbox[0].alternatives[0][0]


def test_hr_finds_the_inventory_erasure_and_audit_log_from_the_privacy_page(history, client):
    client.force_login(history.cast.hr)
    page = client.get("/privacy/").content.decode()
    for link in ("/privacy/inventory/", "/privacy/erase/", "/privacy/audit/"):
        assert link in page
    client.force_login(history.cast.junior)
    assert "/privacy/audit/" not in client.get("/privacy/").content.decode()
