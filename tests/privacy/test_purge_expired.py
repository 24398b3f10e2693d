from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from mentoring.audit.models import AppendOnly, AuditEntry
from mentoring.privacy.models import PastPairHash, RetentionPurge
from mentoring.privacy.services import forbidden_pairs_for
from sessions_log.models import PrivateNote, SessionLog
from tests import factories


def _close(cohort, days_ago: int) -> None:
    cohort.status = "closed"
    cohort.closed_at = timezone.now() - timedelta(days=days_ago)
    cohort.save()


def test_dry_run_says_what_would_go_and_changes_nothing(history, capsys):
    _close(history.cast.cohort, settings.RETENTION_DAYS + 10)
    hashes = PastPairHash.objects.count()  # closing a cohort may remember its pairs already
    call_command("purge_expired", "--dry-run")
    out = capsys.readouterr().out
    assert "Would purge Autumn" in out
    assert "2 people erased" in out
    assert "Dry run: nothing was changed." in out
    assert PrivateNote.objects.count() == 2
    assert PastPairHash.objects.count() == hashes
    assert not RetentionPurge.objects.exists()
    assert User.objects.filter(email="junior@example.com").exists()


def test_it_purges_a_cohort_closed_longer_than_the_retention_keeping_figures_and_a_hash(
    history, capsys
):
    _close(history.cast.cohort, settings.RETENTION_DAYS + 10)
    call_command("purge_expired")
    assert "Purged Autumn" in capsys.readouterr().out
    assert not PrivateNote.objects.exists()
    assert set(SessionLog.objects.values_list("shared_summary", flat=True)) == {""}
    assert sum(SessionLog.objects.values_list("minutes", flat=True)) == 90
    assert not User.objects.filter(email__in=["junior@example.com", "senior@example.com"])
    assert forbidden_pairs_for(["JUNIOR@example.com", "x@example.com"], ["senior@example.com"]) == {
        ("JUNIOR@example.com", "senior@example.com")
    }
    assert AuditEntry.objects.filter(action="retention.purged", target="cohort autumn").exists()

    call_command("purge_expired")
    assert "No cohort closed more than" in capsys.readouterr().out


def test_a_recently_closed_cohort_and_people_still_taking_part_are_kept(history):
    _close(history.cast.cohort, settings.RETENTION_DAYS - 1)
    call_command("purge_expired")
    assert PrivateNote.objects.count() == 2

    _close(history.cast.cohort, settings.RETENTION_DAYS + 1)
    factories.EnrolmentFactory(user=history.cast.senior, side="senior")  # a live cohort
    call_command("purge_expired")
    assert not PrivateNote.objects.exists()
    assert User.objects.filter(email="senior@example.com", is_active=True).exists()
    assert not User.objects.filter(email="junior@example.com").exists()


def test_no_past_pair_means_nothing_is_forbidden(db):
    assert forbidden_pairs_for(["a@example.com"], ["b@example.com"]) == set()


def test_the_audit_log_refuses_changes_and_deletion(history):
    entry = AuditEntry.objects.first()
    entry.target = "something else"
    with pytest.raises(AppendOnly):
        entry.save()
    with pytest.raises(AppendOnly):
        entry.delete()
    with pytest.raises(AppendOnly):
        AuditEntry.objects.update(target="x")
    with pytest.raises(AppendOnly):
        AuditEntry.objects.all().delete()


def test_beat_runs_the_purge_daily(history):
    from mentoring.privacy import tasks

    entry = settings.CELERY_BEAT_SCHEDULE["purge-expired"]
    assert (entry["task"], entry["schedule"]) == ("mentoring.privacy.tasks.purge_expired", 86400.0)
    _close(history.cast.cohort, settings.RETENTION_DAYS + 10)
    assert tasks.purge_expired() == 1
    assert not PrivateNote.objects.exists()


def test_past_pairs_are_found_with_one_hash_per_person_not_per_pair(db, monkeypatch):
    from mentoring.privacy import services

    services.remember_past_pairs([("a@example.com", "b@example.com", None)])
    calls = []
    real = services.person_digest
    monkeypatch.setattr(services, "person_digest", lambda email: calls.append(email) or real(email))
    juniors = [f"j{n}@example.com" for n in range(40)] + ["A@example.com"]
    seniors = [f"s{n}@example.com" for n in range(40)] + ["b@example.com"]

    assert services.forbidden_pairs_for(juniors, seniors) == {("A@example.com", "b@example.com")}
    assert len(calls) == len(juniors) + len(seniors)
