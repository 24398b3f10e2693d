from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models import Max
from django.test import override_settings
from django.utils import timezone

from mentoring.models import OutboxMessage
from pairing.models import Pair
from sessions_log.models import (
    AgreementAcceptance,
    FitCheck,
    Goal,
    ImpactSurvey,
    Meeting,
    PrivateNote,
    Pulse,
    SessionLog,
)

pytestmark = pytest.mark.django_db
MODELS = (
    AgreementAcceptance,
    Meeting,
    SessionLog,
    PrivateNote,
    Goal,
    FitCheck,
    Pulse,
    ImpactSurvey,
    OutboxMessage,
)


@override_settings(DEBUG=True)
def test_the_demo_pair_has_months_of_sessions_and_a_second_seed_adds_nothing():
    call_command("seed_demo", participants=40, verbosity=0)
    counts = {model.__name__: model.objects.count() for model in MODELS}
    call_command("seed_demo", participants=40, verbosity=0)
    assert {model.__name__: model.objects.count() for model in MODELS} == counts

    pair = Pair.objects.get(junior__user__email="junior@twoway.example", status="active")
    logs = SessionLog.objects.filter(pair=pair)
    assert logs.count() >= 4
    assert {"reverse", "forward"} <= set(logs.values_list("direction", flat=True)) | {"both"}
    assert all(log.shared_summary for log in logs)
    authors = set(
        PrivateNote.objects.filter(session_log__pair=pair).values_list("author__email", flat=True)
    )
    assert authors == {"junior@twoway.example", "senior@twoway.example"}
    assert set(Goal.objects.filter(pair=pair).values_list("direction", flat=True)) == {
        "reverse",
        "forward",
    }
    assert FitCheck.objects.filter(pair=pair).count() == 2
    assert Pulse.objects.filter(pair=pair).count() >= 2
    assert AgreementAcceptance.objects.filter(pair=pair).count() == 2
    assert Meeting.objects.filter(
        pair=pair, session_log__isnull=True, status="scheduled"
    ).exists()  # one coming up
    assert ImpactSurvey.objects.filter(enrolment=pair.junior, stage="baseline").exists()
    pending = OutboxMessage.objects.filter(
        sent_at__isnull=True, recipient__email="junior@twoway.example"
    )
    assert pending.filter(kind="meeting_reminder").exists()
    # The closed cohort has before-and-after impact answers, and some pairs have gone quiet.
    assert ImpactSurvey.objects.filter(stage="final").exists()
    last_session = dict(
        SessionLog.objects.filter(pair__status="active")
        .values("pair_id")
        .annotate(last=Max("held_on"))
        .values_list("pair_id", "last")
    )
    active = Pair.objects.filter(status="active").values_list("pk", flat=True)
    quiet = [
        pk
        for pk in active
        if pk not in last_session or last_session[pk] < timezone.localdate() - timedelta(days=30)
    ]
    assert 0 < len(quiet) < len(active) / 3
