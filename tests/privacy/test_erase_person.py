from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Sum

from accounts.models import User
from mentoring.audit.models import AuditEntry
from mentoring.imports import storage
from mentoring.imports.models import ImportJob
from mentoring.lib.sessions import SessionStore
from mentoring.privacy.models import PastPairHash
from mentoring.privacy.services import past_pair_digest
from sessions_log.models import SessionLog
from tests.privacy.conftest import JUNIOR_NOTE


def _every_table_as_text() -> str:
    """Every row of every table in the database, as one lower-case string."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            # Table names come from the database itself, quoted.
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                chunks.append(" ".join(str(value) for value in row))
    return "\n".join(chunks).lower()


def test_after_erasure_no_table_holds_their_email_name_or_note(history):
    before = _every_table_as_text()
    for trace in ("junior@example.com", "asha junior", JUNIOR_NOTE.lower()):
        assert trace in before  # the check below would catch it

    call_command("erase_person", "junior@example.com", "--yes")

    after = _every_table_as_text()
    for trace in ("junior@example.com", "asha junior", JUNIOR_NOTE.lower(), "asha hopes"):
        assert trace not in after, trace


def test_the_partners_pair_page_still_works_and_names_a_former_participant(history, client):
    call_command("erase_person", "junior@example.com", "--yes")
    client.force_login(history.cast.senior)
    page = client.get(f"/sessions/pair/{history.cast.pair.pk}/")
    assert page.status_code == 200
    text = page.content.decode().lower()
    assert "a former participant" in text
    assert "asha" not in text
    assert "robert explained budgets" in text  # the partner's own summary stays theirs


def test_erasure_ends_their_sessions_in_the_session_cache_too(history, settings, login):
    """With Redis, sessions are read from the cache (mentoring.lib.sessions): deleting only
    their rows would leave an erased person's session, and what it holds, in the cache."""
    settings.SESSION_ENGINE = "mentoring.lib.sessions"
    settings.SESSION_CACHE_ALIAS = "default"
    pair_page = f"/sessions/pair/{history.cast.pair.pk}/"
    client = login(history.cast.junior)
    assert client.get(pair_page).status_code == 200  # served from the cached session
    key = client.session.session_key
    assert SessionStore(session_key=key).load()  # the check below would catch it

    call_command("erase_person", "junior@example.com", "--yes")

    assert not Session.objects.filter(pk=key).exists()
    assert SessionStore(session_key=key).load() == {}
    assert client.get(pair_page).status_code == 302  # signed out


def test_figures_still_add_up_after_erasure(history):
    call_command("erase_person", "junior@example.com", "--yes")
    pair = history.cast.pair
    assert SessionLog.objects.filter(pair=pair).aggregate(m=Sum("minutes"))["m"] == 90
    assert pair.cohort.enrolments.count() == 2
    assert User.objects.filter(pk=history.cast.junior.pk, is_active=False).exists()


def test_the_audit_log_keeps_the_entry_with_a_pseudonym(history):
    call_command("erase_person", "junior@example.com", "--yes")
    own = AuditEntry.objects.get(action="export.downloaded")
    assert own.actor_display.startswith("erased person ")
    erased = AuditEntry.objects.get(action="person.erased")
    assert erased.actor_display == "system"
    assert "asha" not in str(erased.details).lower()


def test_the_pair_is_remembered_as_a_keyed_hash(history):
    call_command("erase_person", "junior@example.com", "--yes")
    digest = past_pair_digest("junior@example.com", "senior@example.com")
    assert PastPairHash.objects.filter(digest=digest).exists()


def test_without_yes_it_says_what_would_go_and_changes_nothing(history, capsys):
    with pytest.raises(CommandError, match="--yes"):
        call_command("erase_person", "junior@example.com")
    out = capsys.readouterr().out
    assert "1  private notes (deleted)" in out
    assert User.objects.filter(email="junior@example.com").exists()


def test_an_erased_person_cannot_be_erased_twice(history):
    call_command("erase_person", "junior@example.com", "--yes")
    erased = User.objects.get(pk=history.cast.junior.pk)
    with pytest.raises(CommandError, match="already been erased"):
        call_command("erase_person", erased.email, "--yes")


def test_erasure_deletes_stored_staff_files_and_scrubs_import_reports(
    history, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.VAR_DIR = tmp_path
    token = storage.new_token()
    storage.store_upload(token, b"email,full_name\njunior@example.com,Asha Junior\n")
    job = ImportJob.objects.create(
        cohort=history.cast.cohort,
        created_by=history.cast.hr,
        token=token,
        filename="staff.csv",
        report={"problems": [{"line": 2, "email": "junior@example.com", "reason": "taken"}]},
    )
    with django_capture_on_commit_callbacks(execute=True):
        call_command("erase_person", "junior@example.com", "--yes")
    assert storage.load_upload(token) is None
    job.refresh_from_db()
    assert "junior@example.com" not in str(job.report)
    assert job.report["problems"][0]["line"] == 2
