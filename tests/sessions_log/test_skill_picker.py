"""Other skills are typed by name into a searchable box, not Ctrl-clicked in a long list."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from accounts.models import Skill, SkillSynonym
from sessions_log.models import SessionLog
from tests import factories
from tests.sessions_log import pair_factories

pytestmark = pytest.mark.django_db
login = pair_factories.login


def _log(client, pair, **fields):
    data = {"held_on": timezone.localdate().isoformat(), "minutes": 45, "direction": "both"}
    data.update(fields)
    return client.post(f"/sessions/pair/{pair.pk}/logs/", data)


def test_two_typed_names_one_a_synonym_are_recorded_on_their_direction(cast, login):
    podcasting = factories.SkillFactory(name="Podcasting")
    branding = factories.SkillFactory(name="LinkedIn personal brand")
    SkillSynonym.objects.create(skill=branding, name="Personal branding")
    response = _log(
        login(cast.junior), cast.pair, other_skills_forward="  podcasting ;PERSONAL  branding; "
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    log = SessionLog.objects.get()
    assert set(log.skills_forward.all()) == {podcasting, branding}
    assert not log.skills_reverse.exists()


def test_an_unknown_name_is_refused_by_name_and_nothing_is_saved(cast, login):
    factories.SkillFactory(name="Podcasting")
    skills_before = set(Skill.objects.values_list("name", flat=True))
    response = _log(login(cast.junior), cast.pair, other_skills_reverse="Podcasting; Juggling")
    page = response.content.decode()
    assert response.status_code == 400
    assert "No skill is called “Juggling”" in page
    assert "“Podcasting”" not in page
    assert not SessionLog.objects.exists()
    assert set(Skill.objects.values_list("name", flat=True)) == skills_before


def test_a_typed_skill_for_a_direction_the_session_did_not_go_is_refused(cast, login):
    factories.SkillFactory(name="Podcasting")
    response = _log(
        login(cast.junior), cast.pair, direction="reverse", other_skills_forward="Podcasting"
    )
    assert response.status_code == 400
    assert "The session did not go this way" in response.content.decode()
    assert 'id="id_other_skills_forward_error"' in response.content.decode()
    assert not SessionLog.objects.exists()


def test_the_log_form_offers_a_datalist_of_skills_and_no_multi_select(cast, login):
    factories.SkillFactory(name="Podcasting")
    factories.SkillFactory(name="Excel <macros>")
    page = login(cast.junior).get(f"/sessions/pair/{cast.pair.pk}/logs/new/").content.decode()
    assert not re.search(r"<select[^>]*multiple", page)
    for way in ("reverse", "forward"):
        assert re.search(rf'<input[^>]*name="other_skills_{way}"[^>]*list="skill-names"', page)
    assert page.count('<datalist id="skill-names">') == 1
    assert '<option value="Podcasting">' in page
    assert '<option value="Excel &lt;macros&gt;">' in page
    assert 'separate several with ";"' in page.replace("&quot;", '"')
