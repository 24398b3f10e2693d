"""A cohort with absurd dates (year 1, year 9999) already in the database breaks neither its own
pages nor the hourly tasks that every other cohort depends on."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from mentoring.models import Cohort, OutboxMessage
from mentoring.outbox import tasks as outbox_tasks
from sessions_log import tasks
from tests import factories
from tests.sessions_log import pair_factories

pytestmark = pytest.mark.django_db
login = pair_factories.login

EXTREMES = [date(1, 1, 1), date(9999, 12, 31)]


def _absurd_pair(day: date):
    """A published, active pair in a cohort dated ``day``, written past every form."""
    cohort = factories.CohortFactory(status=Cohort.Status.ACTIVE)
    Cohort.objects.filter(pk=cohort.pk).update(starts_on=day, ends_on=day)
    pair = factories.PairFactory(
        cohort=cohort,
        junior=factories.EnrolmentFactory(cohort=cohort, side="junior"),
        senior=factories.EnrolmentFactory(cohort=cohort, side="senior"),
        published_at=timezone.now() - timedelta(days=40),
    )
    pair.refresh_from_db()
    return pair


@pytest.mark.parametrize("day", EXTREMES, ids=str)
def test_the_hourly_tasks_carry_on_for_other_cohorts(cast, day):
    _absurd_pair(day)
    cast.pair.published_at = timezone.now() - timedelta(days=31)
    cast.pair.save(update_fields=["published_at"])

    assert tasks.schedule_surveys_due() > 0
    due = OutboxMessage.objects.filter(kind="survey_due")
    assert due.filter(recipient=cast.junior, dedupe_key__startswith="survey:pulse:").exists()
    assert due.filter(recipient=cast.senior, dedupe_key__startswith="survey:impact:").exists()
    tasks.scan_quiet_pairs()
    assert OutboxMessage.objects.filter(kind="quiet_pair_nudge", recipient=cast.junior).exists()
    outbox_tasks.send_due_messages()


@pytest.mark.parametrize("day", EXTREMES, ids=str)
def test_the_pair_and_survey_pages_of_an_absurdly_dated_cohort_still_answer(client, day):
    pair = _absurd_pair(day)
    client.force_login(pair.junior.user)
    for url in (
        f"/sessions/pair/{pair.pk}/",
        f"/sessions/pair/{pair.pk}/pulse/",
        f"/sessions/pair/{pair.pk}/fit-check/",
        f"/sessions/pair/{pair.pk}/reflection/",
        f"/sessions/impact/{pair.junior.pk}/baseline/",
        f"/sessions/impact/{pair.junior.pk}/final/",
        "/sessions/record/",
        "/",
    ):
        assert client.get(url).status_code == 200, url
    response = client.post(f"/sessions/pair/{pair.pk}/pulse/", {"score": 3})
    assert response.status_code in (200, 302)


def test_a_row_that_breaks_a_task_is_logged_by_id_and_skipped(cast, monkeypatch, caplog):
    """Whatever the next absurd value is, one row never stops the job for everybody."""
    from sessions_log import reminders
    from sessions_log.services import surveys

    broken = _absurd_pair(date(2030, 1, 1))
    broken.junior.user.profile.timezone = "Pacific/Kiritimati"
    broken.junior.user.profile.save()
    cast.pair.published_at = timezone.now() - timedelta(days=31)
    broken.published_at = timezone.now() - timedelta(days=32)
    cast.pair.save(update_fields=["published_at"])
    broken.save(update_fields=["published_at"])
    real_pulse_due_at, real_working_hours = surveys.pulse_due_at, reminders.within_working_hours

    def pulse_due_at(published_at, period):
        if published_at == broken.published_at:
            raise OverflowError("date value out of range")
        return real_pulse_due_at(published_at, period)

    def within_working_hours(moment, zone):
        if zone.key == "Pacific/Kiritimati":
            raise ValueError("bad zone")
        return real_working_hours(moment, zone)

    monkeypatch.setattr(surveys, "pulse_due_at", pulse_due_at)
    monkeypatch.setattr(reminders, "within_working_hours", within_working_hours)
    tasks.schedule_surveys_due()
    tasks.scan_quiet_pairs()

    pulses = OutboxMessage.objects.filter(dedupe_key__startswith="survey:pulse:")
    assert pulses.filter(recipient=cast.junior).exists()
    assert not pulses.filter(recipient=broken.junior.user).exists()
    nudged = OutboxMessage.objects.filter(kind="quiet_pair_nudge")
    assert nudged.filter(recipient=cast.junior).exists()
    assert not nudged.filter(recipient__in=[broken.junior.user, broken.senior.user]).exists()
    assert f"schedule_surveys_due: skipped pair {broken.pk}: OverflowError" in caplog.text
    assert f"scan_quiet_pairs: skipped pair {broken.pk}: ValueError" in caplog.text
    assert broken.junior.user.email not in caplog.text
