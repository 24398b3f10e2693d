"""Skills are credited per direction: a "both ways" session does not make the junior a learner
of the skill they taught."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from sessions_log.models import SessionLog
from sessions_log.privacy import export_sessions
from tests import factories

pytestmark = pytest.mark.django_db


def _teaches(user, skill, kind="teach"):
    factories.ProfileSkillFactory(profile=user.profile, skill=skill, kind=kind)


def _log(client, pair, **fields):
    data = {"held_on": timezone.localdate().isoformat(), "minutes": 60, "direction": "both"}
    data.update(fields)
    return client.post(f"/sessions/pair/{pair.pk}/logs/", data)


def _section(page: str, anchor: str) -> str:
    start = page.index(f'id="{anchor}"')
    return page[start : page.index("</section>", start)]


def test_a_both_ways_session_credits_the_juniors_skill_only_junior_to_senior(cast, login):
    tiktok = factories.SkillFactory(name="TikTok")
    budgeting = factories.SkillFactory(name="Budgeting")
    _teaches(cast.junior, tiktok)
    _teaches(cast.senior, budgeting)
    client = login(cast.junior)
    response = _log(client, cast.pair, skills_reverse=[tiktok.pk], skills_forward=[budgeting.pk])
    assert response.status_code == 302

    record = client.get("/sessions/record/?format=txt").content.decode()
    assert "Skills taught: TikTok\n" in record and "Skills learned: Budgeting\n" in record
    client.force_login(cast.senior)
    record = client.get("/sessions/record/?format=txt").content.decode()
    assert "Skills taught: Budgeting\n" in record and "Skills learned: TikTok\n" in record

    client.force_login(cast.hr)
    board = client.get("/dashboard/").content.decode()
    assert "TikTok" in _section(board, "reverse-skills")
    assert "TikTok" not in _section(board, "forward-skills")
    assert "Budgeting" in _section(board, "forward-skills")
    assert "Budgeting" not in _section(board, "reverse-skills")


def test_the_pair_page_names_each_sessions_skills_by_direction(cast, login):
    factories.SkillFactory(name="TikTok")
    client = login(cast.junior)
    assert _log(client, cast.pair, other_skills_reverse="TikTok").status_code == 302
    page = client.get(f"/sessions/pair/{cast.pair.pk}/").content.decode()
    assert "Skills junior → senior: TikTok</p>" in page
    assert "reverse: TikTok; forward: none yet" in page


def test_each_direction_offers_the_skills_that_flow_that_way_first(cast, login):
    aaa = factories.SkillFactory(name="Accounting")  # the senior teaches, nobody wants it
    tiktok = factories.SkillFactory(name="TikTok")
    _teaches(cast.senior, aaa)
    _teaches(cast.junior, tiktok)
    _teaches(cast.senior, tiktok, kind="learn")
    page = login(cast.junior).get(f"/sessions/pair/{cast.pair.pk}/logs/new/").content.decode()
    reverse = re.findall(r'name="skills_reverse" value="(\d+)"', page)
    forward = re.findall(r'name="skills_forward" value="(\d+)"', page)
    assert reverse == [str(tiktok.pk), str(aaa.pk)]  # TikTok flows junior → senior
    assert forward == [str(aaa.pk), str(tiktok.pk)]  # alphabetical: nothing flows that way


def test_a_skill_ticked_for_a_direction_the_session_did_not_go_is_refused(cast, login):
    tiktok = factories.SkillFactory(name="TikTok")
    _teaches(cast.junior, tiktok)
    response = _log(login(cast.junior), cast.pair, direction="reverse", skills_forward=[tiktok.pk])
    assert response.status_code == 400
    assert "The session did not go this way" in response.content.decode()
    assert not SessionLog.objects.exists()


def test_the_privacy_export_lists_skills_per_direction(cast, login):
    factories.SkillFactory(name="TikTok")
    client = login(cast.junior)
    assert _log(client, cast.pair, other_skills_reverse="TikTok").status_code == 302
    (session,) = export_sessions(cast.junior)["sessions"]
    assert session["skills_junior_to_senior"] == ["TikTok"]
    assert session["skills_senior_to_junior"] == []


@pytest.mark.django_db(transaction=True)
def test_existing_logs_are_shared_out_by_who_teaches_and_the_logs_direction(cast):
    names = ["TikTok", "Budgeting", "Wanted by senior", "Nobody's", "Both teach"]
    skills = {name: factories.SkillFactory(name=name) for name in names}
    for person, name, kind in (
        (cast.junior, "TikTok", "teach"),
        (cast.senior, "TikTok", "learn"),
        (cast.senior, "Budgeting", "teach"),
        (cast.senior, "Wanted by senior", "learn"),
        (cast.junior, "Both teach", "teach"),
        (cast.senior, "Both teach", "teach"),
    ):
        _teaches(person, skills[name], kind)
    executor = MigrationExecutor(connection)
    if not executor.loader.disk_migrations:
        pytest.skip("migrations are switched off (--nomigrations)")
    before = [("sessions_log", "0011_session_log_skills_per_direction")]
    after = [("sessions_log", "0012_session_log_skills_per_direction_data")]
    executor.migrate(before)
    old_log = executor.loader.project_state(before).apps.get_model("sessions_log", "SessionLog")
    logs = {}
    for direction in ("both", "reverse", "forward"):
        log = old_log.objects.create(
            pair_id=cast.pair.pk, held_on="2026-01-05", minutes=60, direction=direction
        )
        log.skills.set([skill.pk for skill in skills.values()])
        logs[direction] = log.pk

    executor.loader.build_graph()
    executor.migrate(after)
    migrated = executor.loader.project_state(after).apps.get_model("sessions_log", "SessionLog")

    def ways(direction):
        log = migrated.objects.get(pk=logs[direction])
        return (
            sorted(s.name for s in log.skills_reverse.all()),
            sorted(s.name for s in log.skills_forward.all()),
        )

    assert ways("both") == (
        ["Both teach", "Nobody's", "TikTok", "Wanted by senior"],
        ["Both teach", "Budgeting", "Nobody's"],
    )
    assert ways("reverse") == (sorted(names), [])
    assert ways("forward") == ([], sorted(names))

    executor.loader.build_graph()
    executor.migrate(before)  # the reverse joins the two lists again
    joined = executor.loader.project_state(before).apps.get_model("sessions_log", "SessionLog")
    assert sorted(s.name for s in joined.objects.get(pk=logs["both"]).skills.all()) == sorted(names)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
