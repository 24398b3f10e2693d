"""The dashboard's running totals always equal what the session logs themselves add up to,
whatever sequence of logs, edits and deletes came before."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta

import pytest
from django.core.management import call_command

from sessions_log.models import SessionLog
from sessions_log.rollups import (
    CohortMonthTotals,
    CohortSessionTotals,
    CohortSkillTotals,
    PairMonthTotals,
    PairPacked,
    PairSessionTotals,
    PairSkillTotals,
    packed,
    rebuild_all,
)
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


def _direct_skills() -> dict:
    counts: dict = defaultdict(int)
    for way in ("reverse", "forward"):
        through = getattr(SessionLog, f"skills_{way}").through
        for pair_id, skill_id in through.objects.values_list("sessionlog__pair_id", "skill_id"):
            counts[(pair_id, skill_id, way)] += 1
    return dict(counts)


def _rolled_up_skills() -> dict:
    return {
        (pair_id, skill_id, way): n
        for pair_id, skill_id, way, n in PairSkillTotals.objects.values_list(
            "pair_id", "skill_id", "way", "sessions"
        )
    }


def _packed() -> tuple[dict, dict]:
    """The pairs' packs read back as per (pair, month) and per (pair, skill, way) figures."""
    months, skills = {}, {}
    for pair_id, month_pack, skill_pack in PairPacked.objects.values_list(
        "pair_id", "months", "skills"
    ):
        for number, *figures in packed.unpack([month_pack], packed.MONTH_WIDTH).tolist():
            months[(pair_id, packed.month_of(number))] = figures
        for key, n in packed.unpack([skill_pack], packed.SKILL_WIDTH).tolist():
            skills[(pair_id, key // 2, "forward" if key % 2 else "reverse")] = n
    return months, skills


def _direct_packed() -> tuple[dict, dict]:
    months = {key: row[:4] for key, row in _direct()[1].items()}
    return months, _direct_skills()


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


def _direct_cohorts() -> tuple[dict, dict, dict]:
    """Per cohort (pairs that logged, sessions, minutes each way), per (cohort, month) and per
    (cohort, skill, way), from the logs."""
    totals: dict = defaultdict(lambda: [set(), 0, 0, 0, 0])
    months: dict = defaultdict(lambda: [0, 0, 0, 0])
    for pair_id, cohort_id, held_on, minutes, direction in SessionLog.objects.values_list(
        "pair_id", "pair__cohort_id", "held_on", "minutes", "direction"
    ):
        total, month = totals[cohort_id], months[(cohort_id, held_on.replace(day=1))]
        total[0].add(pair_id)
        total[1] += 1
        total[2 + DIRECTIONS.index(direction)] += minutes
        month[0] += 1
        month[1 + DIRECTIONS.index(direction)] += minutes
    skills: dict = defaultdict(int)
    for way in ("reverse", "forward"):
        through = getattr(SessionLog, f"skills_{way}").through
        for cohort_id, skill_id in through.objects.values_list(
            "sessionlog__pair__cohort_id", "skill_id"
        ):
            skills[(cohort_id, skill_id, way)] += 1
    return (
        {cohort: [len(rest[0]), *rest[1:]] for cohort, rest in totals.items()},
        dict(months),
        dict(skills),
    )


def _rolled_up_cohorts() -> tuple[dict, dict, dict]:
    minutes = ("reverse_minutes", "forward_minutes", "both_minutes")
    totals = {
        cohort_id: rest
        for cohort_id, *rest in CohortSessionTotals.objects.values_list(
            "cohort_id", "pairs", "sessions", *minutes
        )
        if any(rest)  # a cohort whose pairs logged nothing any more
    }
    months = {
        (cohort_id, month): rest
        for cohort_id, month, *rest in CohortMonthTotals.objects.values_list(
            "cohort_id", "month", "sessions", *minutes
        )
    }
    skills = {
        (cohort_id, skill_id, way): n
        for cohort_id, skill_id, way, n in CohortSkillTotals.objects.values_list(
            "cohort_id", "skill_id", "way", "sessions"
        )
    }
    return totals, months, skills


def _pairs(n: int, cohorts: int = 1):
    made = [factories.CohortFactory(starts_on=TODAY - timedelta(days=400)) for _ in range(cohorts)]
    return [factories.PairFactory(cohort=made[i % cohorts]) for i in range(n)]


@pytest.mark.parametrize("seed", range(6))
def test_rollups_equal_the_logs_after_any_mix_of_logs_edits_and_deletes(seed):
    rng = random.Random(seed)
    pairs = _pairs(4, cohorts=2)
    skills = [factories.SkillFactory() for _ in range(4)]

    def some_skills(way: str, direction: str) -> list:
        return rng.sample(skills, rng.randrange(3)) if direction in (way, "both") else []

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
                skills_reverse=some_skills("reverse", direction),
                skills_forward=some_skills("forward", direction),
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
                skills_reverse=some_skills("reverse", direction),
                skills_forward=some_skills("forward", direction),
                today=TODAY,
            )
        elif action == "delete" and (log := rng.choice(logs)).logged_by is None:
            log.delete()
        elif action == "delete":
            delete_session_log(log=log, by=log.logged_by)
        elif action == "raw":  # the admin or a shell: no service, still kept
            log = SessionLog.objects.create(
                pair=rng.choice(pairs), held_on=held_on, minutes=minutes, direction=direction
            )
            log.skills_reverse.add(*some_skills("reverse", direction))
            rng.choice(skills).session_logs_forward.add(log)  # from the skill's side too
        else:
            SessionLog.objects.filter(
                pk__in=[g.pk for g in rng.sample(logs, min(2, len(logs)))]
            ).delete()
        assert _rolled_up() == _direct(), action
        assert _rolled_up_skills() == _direct_skills(), action
        assert _rolled_up_cohorts() == _direct_cohorts(), action
        assert _packed() == _direct_packed(), action


def test_a_pair_erased_takes_its_totals_with_it():
    pair, other = _pairs(2)
    for p in (pair, other):
        SessionLog.objects.create(pair=p, held_on=TODAY, minutes=30, direction="both")
    pair.delete()
    assert set(PairSessionTotals.objects.values_list("pair_id", flat=True)) == {other.pk}
    assert _rolled_up() == _direct()
    # The cohort's totals still count the erased pair: out of step with its pairs, which is
    # how the dashboard knows to read the cohort pair by pair, until the next rebuild.
    cohort = CohortSessionTotals.objects.get(cohort=other.cohort)
    assert (cohort.pairs, cohort.sessions) == (2, 2)
    rebuild_all()
    assert _rolled_up_cohorts() == _direct_cohorts()


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
    SessionLog.objects.first().skills_reverse.through.objects.bulk_create(
        [
            SessionLog.skills_reverse.through(
                sessionlog_id=pk, skill_id=factories.SkillFactory().pk
            )
            for pk in SessionLog.objects.values_list("pk", flat=True)[:3]
        ]
    )
    call_command("rebuild_session_rollups", stdout=open("/dev/null", "w"))
    assert _rolled_up() == _direct()  # ...and the rebuild catches them up
    assert _rolled_up_skills() == _direct_skills() != {}
    assert _rolled_up_cohorts() == _direct_cohorts()
    assert _packed() == _direct_packed()
    assert rebuild_all() == len(_direct()[1])
