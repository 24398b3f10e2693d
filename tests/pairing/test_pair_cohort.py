"""`manage.py pair_cohort SLUG --json` (DESIGN.md contract)."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from mentoring.models import Enrolment
from pairing.models import Pair, PairingRun
from tests.pairing.factories import junior, pairing_cohort, senior


def _run(slug: str) -> dict:
    out = StringIO()
    call_command("pair_cohort", slug, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_it_prints_pairs_totals_and_unmatched_people_with_capacity_two(db):
    cohort = pairing_cohort(slug="winter")
    junior(cohort, "Asha", teaches={"TikTok": 3})
    junior(cohort, "Bea", teaches={"TikTok": 2})
    junior(cohort, "Cleo", teaches={"Knitting": 3})
    senior(cohort, "Robert", learns={"TikTok": 3}, capacity=2)
    senior(cohort, "Sam", learns={"Chess": 1})
    gone = junior(cohort, "Gone", teaches={"TikTok": 3})
    gone.status = Enrolment.Status.WITHDRAWN
    gone.save()

    result = _run("winter")

    assert set(result) == {"pairs", "total_score", "unmatched_juniors", "unmatched_seniors"}
    assert result["pairs"] == [
        {
            "junior": "asha@example.com",
            "senior": "robert@example.com",
            "score": 27,
            "reverse": 9,
            "forward": 0,
        },
        {
            "junior": "bea@example.com",
            "senior": "robert@example.com",
            "score": 18,
            "reverse": 6,
            "forward": 0,
        },
    ]
    assert result["total_score"] == 45
    assert result["unmatched_juniors"] == ["cleo@example.com"]
    assert result["unmatched_seniors"] == ["sam@example.com"]


def test_it_stores_a_draft_run_and_publishes_nothing(db):
    cohort = pairing_cohort(slug="winter")
    junior(cohort, "Asha", teaches={"TikTok": 3})
    senior(cohort, "Robert", learns={"TikTok": 3})
    _run("winter")
    run = PairingRun.objects.get(cohort=cohort)
    assert run.status == "done" and run.published_at is None
    assert not Pair.objects.exists()


def test_an_unknown_slug_is_a_clear_error_with_exit_status_1(db):
    with pytest.raises(CommandError, match="No cohort with the slug 'nope'") as raised:
        call_command("pair_cohort", "nope", "--json")
    assert raised.value.returncode == 1  # what manage.py exits with
