"""The dashboard's running totals always equal what the session logs themselves add up to,
whatever sequence of logs, edits and deletes came before."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta

import pytest
from django.core.management import call_command

from sessions_log.models import SessionLog
from sessions_log.rollups import PairMonthTotals, PairSessionTotals, rebuild_all
from sessions_log.services.logs import delete_session_log, log_session, update_session_log
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = date(2025, 6, 30)
DIRECTIONS = ["reverse", "forward", "both"]


def _direct() -> tuple[dict, dict]:
    """Per pair and per (pair, month), from the logs: sessions and minutes per direction."""
    months: dict = defaultdict(lambda: [0, 0, 0, 0, None])
    pairs: dict = defaultdict(lambda: [0, 0, 0, 0, None])
    for pair_id, held_on, minutes, direction in SessionLog.objects.values_list(
        "pair_id", "held_on", "minutes", "direction"
    ):
        for row in (months[(pair_id, held_on.replace(day=1))], pairs[pair_id]):
            row[0] += 1
            row[1 + DIRECTIONS.index(direction)] += minutes
            row[4] = max(row[4] or held_on, held_on)
    return dict(pairs), dict(months)


def _rolled_up() -> tuple[dict, dict]:
    fields = ("sessions", "reverse_minutes", "forward_minutes", "both_minutes", "last_held_on")
    pairs = {
        pair_id: list(rest)
        for pair_id, *rest in PairSessionTotals.objects.values_list("pair_id", *fields)
    }
    months = {
        (pair_id, month): list(rest)
        for pair_id, month, *rest in PairMonthTotals.objects.values_list(
            "pair_id", "month", *fields
        )
    }
    return pairs, months


def _pairs(n: int):
    cohort = factories.CohortFactory(starts_on=TODAY - timedelta(days=400))
    return [factories.PairFactory(cohort=cohort) for _ in range(n)]


@pytest.mark.parametrize("seed", range(6))
def test_rollups_equal_the_logs_after_any_mix_of_logs_edits_and_deletes(seed):
    rng = random.Random(seed)
    pairs = _pairs(3)
    for _ in range(40):
        logs = list(SessionLog.objects.select_related("pair__cohort", "logged_by"))
        action = rng.choice(["log", "log", "log", "edit", "delete", "raw", "bulk-delete"])
        held_on = TODAY - timedelta(days=rng.randrange(120))
        minutes, direction = rng.randrange(1, 601), rng.choice(DIRECTIONS)
        if action == "log" or not logs:
            pair = rng.choice(pairs)
            log_session(
                pair=pair,
                by=pair.junior.user,
                held_on=held_on,
                minutes=minutes,
                direction=direction,
                today=TODAY,
            )
        elif action == "edit" and (log := rng.choice(logs)).logged_by is None:
            log.held_on, log.minutes, log.direction = held_on, minutes, direction
            log.save()
        elif action == "edit":
            update_session_log(
                log=log,
                by=log.logged_by,
                held_on=held_on,  # often a different month: both months change
                minutes=minutes,
                direction=direction,
                today=TODAY,
            )
        elif action == "delete" and (log := rng.choice(logs)).logged_by is None:
            log.delete()
        elif action == "delete":
            delete_session_log(log=log, by=log.logged_by)
        elif action == "raw":  # the admin or a shell: no service, still kept
            SessionLog.objects.create(
                pair=rng.choice(pairs), held_on=held_on, minutes=minutes, direction=direction
            )
        else:
            SessionLog.objects.filter(
                pk__in=[g.pk for g in rng.sample(logs, min(2, len(logs)))]
            ).delete()
        assert _rolled_up() == _direct(), action


def test_a_pair_erased_takes_its_totals_with_it():
    pair, other = _pairs(2)
    for p in (pair, other):
        SessionLog.objects.create(pair=p, held_on=TODAY, minutes=30, direction="both")
    pair.delete()
    assert set(PairSessionTotals.objects.values_list("pair_id", flat=True)) == {other.pk}
    assert _rolled_up() == _direct()


def test_the_rebuild_command_restores_totals_after_bulk_writes():
    (pair,) = _pairs(1)
    SessionLog.objects.bulk_create(
        [
            SessionLog(
                pair=pair, held_on=TODAY - timedelta(days=d), minutes=45, direction="reverse"
            )
            for d in range(0, 90, 7)
        ]
    )
    assert _rolled_up() != _direct()  # bulk writes bypass the signals...
    call_command("rebuild_session_rollups", stdout=open("/dev/null", "w"))
    assert _rolled_up() == _direct()  # ...and the rebuild catches them up
    assert rebuild_all() == len(_direct()[1])
