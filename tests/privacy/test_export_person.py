from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from tests.privacy.conftest import JUNIOR_NOTE, SENIOR_NOTE


def _exported(email: str, capsys) -> dict:
    call_command("export_person", email)
    return json.loads(capsys.readouterr().out)


def test_it_prints_everything_about_the_person_as_json(history, capsys):
    data = _exported("Junior@Example.com", capsys)
    assert data["email"] == "junior@example.com"
    assert data["profile"]["full_name"] == "Asha Junior"
    assert data["profile"]["hopes"] == "Asha hopes to learn strategy"
    assert [s["skill"] for s in data["skills"]] == ["TikTok"]
    assert data["enrolments"][0]["cohort"] == "Autumn"
    assert data["pairs"][0]["partner"] == "Robert Senior"
    assert len(data["meetings"]) == 1
    assert sorted(s["shared_summary"] for s in data["sessions"]) == [
        "Asha Junior showed prompts",
        "Robert explained budgets",
    ]
    assert {g["title"] for g in data["goals"]} == {"Asha wants to pitch", "Use Copilot daily"}
    pitch = next(g for g in data["goals"] if g["title"] == "Asha wants to pitch")
    assert (pitch["due_on"], pitch["progress_percent"]) == ("2026-09-30", 40)
    assert data["fit_checks"][0]["comment"] == "Asha finds this useful"
    assert data["pulses"][0]["comment"] == "Asha: going well"
    assert data["reflections"][0]["reflection"] == "Asha reflects"
    assert data["thank_yous_received"] == [
        {"pair": history.cast.pair.pk, "thank_you": "Thank you Asha Junior"}
    ]
    assert [e["kind"] for e in data["emails_sent_to_you"]] == ["invitation"]
    assert [a["action"] for a in data["hr_actions_about_you"]] == ["invitation.resent"]


def test_it_holds_the_persons_own_private_note_and_never_the_partners(history, capsys):
    output = json.dumps(_exported("junior@example.com", capsys))
    assert JUNIOR_NOTE in output
    assert SENIOR_NOTE not in output
    assert "Robert reflects" not in output  # the partner's reflection is theirs alone


def test_the_partners_export_mirrors_it(history, capsys):
    output = json.dumps(_exported("senior@example.com", capsys))
    assert SENIOR_NOTE in output
    assert JUNIOR_NOTE not in output


def test_an_unknown_email_is_a_clear_error(db):
    with pytest.raises(CommandError, match="Nobody has the email address"):
        call_command("export_person", "nobody@example.com")
