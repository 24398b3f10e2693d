from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from mentoring import outbox
from mentoring.models import OutboxMessage
from sessions_log import services
from sessions_log.models import FitCheck, ImpactSurvey, Pulse
from tests.sessions_log import pair_factories
from tests.sessions_log.pair_factories import SessionLogFactory

pytestmark = pytest.mark.django_db
login = pair_factories.login


def _age(pair, days: int) -> None:
    pair.published_at = timezone.now() - timedelta(days=days)
    pair.save(update_fields=["published_at"])


# --- the fit check -----------------------------------------------------------------------------


def test_the_fit_check_opens_after_the_first_session(cast, login):
    client = login(cast.junior)
    url = f"/sessions/pair/{cast.pair.pk}/fit-check/"
    assert "opens after your first logged session" in client.get(url).content.decode()
    client.post(url, {"answer": "yes"})
    assert not FitCheck.objects.exists()

    SessionLogFactory(pair=cast.pair)
    assert client.post(url, {"answer": "not_sure", "comment": "Early days"}).status_code == 302
    client.post(url, {"answer": "yes"})  # editable: still one answer per person
    answer = FitCheck.objects.get()
    assert (answer.respondent, answer.answer, answer.comment) == (cast.junior, "yes", "")


def test_a_no_answer_offers_a_no_fault_rematch(cast, login):
    SessionLogFactory(pair=cast.pair)
    client = login(cast.senior)
    response = client.post(
        f"/sessions/pair/{cast.pair.pk}/fit-check/", {"answer": "no"}, follow=True
    )
    page = response.content.decode()
    assert "that is nobody&#x27;s fault" in page or "that is nobody's fault" in page
    assert f"/pairing/pair/{cast.pair.pk}/rematch/" in page


def test_the_partner_never_sees_your_fit_check_answer(cast, login):
    SessionLogFactory(pair=cast.pair)
    FitCheck.objects.create(
        pair=cast.pair, respondent=cast.senior, answer="no", comment="We do not click"
    )
    page = login(cast.junior).get(f"/sessions/pair/{cast.pair.pk}/").content.decode()
    assert "We do not click" not in page and "not working" not in page
    page = login(cast.junior).get(f"/sessions/pair/{cast.pair.pk}/fit-check/").content.decode()
    assert "We do not click" not in page


def test_the_fit_check_email_goes_out_once_and_not_after_answering(cast):
    SessionLogFactory(pair=cast.pair)
    services.schedule_fit_checks(pair=cast.pair)
    FitCheck.objects.create(pair=cast.pair, respondent=cast.senior, answer="yes")
    outbox.send_due()
    assert [m.to for m in mail.outbox] == [["junior@example.com"]]
    assert "Is your pairing with Robert Senior working?" in mail.outbox[0].subject
    assert f"/sessions/pair/{cast.pair.pk}/fit-check/" in mail.outbox[0].body
    services.schedule_fit_checks(pair=cast.pair)
    assert outbox.send_due() == 0


# --- the pulse ---------------------------------------------------------------------------------


def test_the_pulse_opens_30_days_after_pairing_then_every_60(cast):
    _age(cast.pair, 10)
    assert services.current_pulse_period(cast.pair) is None
    _age(cast.pair, 30)
    assert services.current_pulse_period(cast.pair) == 0
    _age(cast.pair, 89)
    assert services.current_pulse_period(cast.pair) == 0
    _age(cast.pair, 90)
    assert services.current_pulse_period(cast.pair) == 1


def test_a_pulse_saves_once_per_period_and_stays_editable(cast, login):
    client = login(cast.junior)
    url = f"/sessions/pair/{cast.pair.pk}/pulse/"
    assert "30 days after you were paired" in client.get(url).content.decode()
    _age(cast.pair, 31)
    page = client.get(url).content.decode()
    assert "visible to HR" in page
    client.post(url, {"score": 2, "comment": "Hard to find time"})
    client.post(url, {"score": 4, "comment": ""})
    assert list(Pulse.objects.values_list("period", "score")) == [(0, 4)]
    _age(cast.pair, 95)
    client.post(url, {"score": 5})
    assert list(Pulse.objects.values_list("period", "score")) == [(0, 4), (1, 5)]


@pytest.mark.parametrize("score", ["0", "6", "five", ""])
def test_a_pulse_outside_1_to_5_is_refused(cast, login, score):
    _age(cast.pair, 31)
    response = login(cast.junior).post(f"/sessions/pair/{cast.pair.pk}/pulse/", {"score": score})
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert not Pulse.objects.exists()


# --- the impact survey -------------------------------------------------------------------------


def _scores(value: int = 3) -> dict:
    return dict.fromkeys(ImpactSurvey.AREAS, value)


def test_the_baseline_impact_survey_saves_once_and_is_editable(cast, login):
    enrolment = cast.pair.junior
    client = login(cast.junior)
    url = f"/sessions/impact/{enrolment.pk}/baseline/"
    page = client.get(url).content.decode()
    for statement in ImpactSurvey.AREAS.values():
        assert statement.replace("'", "&#x27;") in page
    assert client.post(url, _scores(2)).status_code == 302
    assert client.post(url, _scores(4)).status_code == 302
    survey = ImpactSurvey.objects.get()
    assert (survey.stage, survey.confidence, survey.engagement) == ("baseline", 4, 4)


def test_the_final_survey_opens_near_the_cohort_end_and_closes_with_it(cast, login):
    enrolment = cast.pair.senior
    client = login(cast.senior)
    url = f"/sessions/impact/{enrolment.pk}/final/"
    client.post(url, _scores())
    assert not ImpactSurvey.objects.exists()
    cast.cohort.ends_on = timezone.localdate() + timedelta(days=5)
    cast.cohort.save()
    assert client.post(url, _scores(5)).status_code == 302
    assert ImpactSurvey.objects.get().stage == "final"
    cast.cohort.status = "closed"
    cast.cohort.save()
    client.post(url, _scores(1))
    assert ImpactSurvey.objects.get().confidence == 5


def test_an_incomplete_impact_survey_is_refused(cast, login):
    data = _scores()
    del data["inclusion"]
    data["culture"] = "9"
    response = login(cast.junior).post(f"/sessions/impact/{cast.pair.junior.pk}/baseline/", data)
    assert "errorlist" in response.content.decode()
    assert not ImpactSurvey.objects.exists()


def test_nobody_answers_someone_elses_impact_survey(cast, login):
    url = f"/sessions/impact/{cast.pair.junior.pk}/baseline/"
    for person in (cast.senior, cast.hr, cast.outsider):
        assert login(person).post(url, _scores()).status_code == 404
    assert (
        login(cast.junior).get(f"/sessions/impact/{cast.pair.junior.pk}/other/").status_code == 404
    )
    assert not ImpactSurvey.objects.exists()


# --- "survey due" rows -------------------------------------------------------------------------


def test_survey_rows_are_scheduled_once_and_skip_what_is_answered(cast):
    _age(cast.pair, 85)  # period 0 came due; period 1 comes due in five days
    cast.cohort.ends_on = timezone.localdate() + timedelta(days=100)
    cast.cohort.save()
    Pulse.objects.create(pair=cast.pair, respondent=cast.senior, period=0, score=4)
    added = services.schedule_surveys_due()
    keys = set(OutboxMessage.objects.filter(kind="survey_due").values_list("dedupe_key", flat=True))
    p, j, s = cast.pair.pk, cast.junior.pk, cast.senior.pk
    assert {
        f"survey:pulse:{p}:{j}:0",
        f"survey:pulse:{p}:{j}:1",
        f"survey:pulse:{p}:{s}:1",
        f"survey:impact:{cast.pair.junior.pk}:baseline",
        f"survey:impact:{cast.pair.senior.pk}:baseline",
    } <= keys
    assert f"survey:pulse:{p}:{s}:0" not in keys  # answered already
    assert not any(key.endswith(":final") or key.endswith(":2") for key in keys)  # not yet
    assert added == len(keys)
    assert services.schedule_surveys_due() == 0


def test_rows_further_ahead_wait_for_a_later_run(cast):
    cast.cohort.ends_on = timezone.localdate() + timedelta(days=40)
    cast.cohort.save()
    services.schedule_surveys_due()
    final = f"survey:impact:{cast.pair.junior.pk}:final"
    assert not OutboxMessage.objects.filter(dedupe_key=final).exists()
    # The final survey opens 14 days before the end: a run within a week of that adds it.
    services.schedule_surveys_due(now=timezone.now() + timedelta(days=20))
    row = OutboxMessage.objects.get(dedupe_key=final)
    assert row.due_at.date() == cast.cohort.ends_on - timedelta(days=14)


def test_due_survey_emails_link_to_the_survey_and_skip_answered_ones(cast):
    _age(cast.pair, 31)
    services.schedule_surveys_due()
    Pulse.objects.create(pair=cast.pair, respondent=cast.senior, period=0, score=4)
    outbox.send_due()
    sent = {(m.to[0], m.subject) for m in mail.outbox}
    assert ("junior@example.com", "Quick pulse: is the programme working for you?") in sent
    assert ("senior@example.com", "Quick pulse: is the programme working for you?") not in sent
    assert ("senior@example.com", "Before you start: a two-minute survey") in sent
    pulse_mail = next(
        m for m in mail.outbox if m.to == ["junior@example.com"] and "pulse" in m.subject
    )
    assert f"/sessions/pair/{cast.pair.pk}/pulse/" in pulse_mail.body
    assert "text/html" in pulse_mail.alternatives[0][1]


def test_a_no_can_open_a_rematch_request_for_hr_in_one_step(cast, login):
    from pairing.models import RematchRequest

    SessionLogFactory(pair=cast.pair)
    client = login(cast.junior)
    url = f"/sessions/pair/{cast.pair.pk}/fit-check/"
    client.post(url, {"answer": "yes", "rematch": "on"})  # a yes never asks for a re-match
    assert not RematchRequest.objects.exists()
    page = client.post(
        url, {"answer": "no", "comment": "We never click", "rematch": "on"}, follow=True
    ).content.decode()
    request = RematchRequest.objects.get()
    assert (request.pair, request.requested_by, request.reason) == (
        cast.pair,
        cast.junior,
        "We never click",
    )
    assert "You have asked for a no-fault re-match" in page
    client.post(url, {"answer": "no", "rematch": "on"})
    assert RematchRequest.objects.count() == 1
