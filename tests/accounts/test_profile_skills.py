import pytest

from accounts.models import ProfileSkill, Skill
from tests import factories

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def junior_client(cast, login):
    factories.SkillFactory(name="Generative AI tools")
    factories.SkillFactory(name="Data visualisation")
    factories.SkillFactory(name="Negotiation")
    return login(cast.junior)


def held(user, kind):
    return {
        ps.skill.name: ps.level
        for ps in ProfileSkill.objects.filter(profile__user=user, kind=kind).select_related("skill")
    }


def test_htmx_search_returns_only_the_matching_list(junior_client):
    response = junior_client.get(
        "/accounts/profile/skills/search/", {"kind": "teach", "q": "  DATA  "}, **HTMX
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body and 'id="skill-results-teach"' in body
    assert "Add Data visualisation" in body and "Negotiation" not in body
    assert "Add new skill “DATA”" in body  # no skill is called just "data"


def test_search_without_javascript_returns_the_whole_page(junior_client):
    response = junior_client.get("/accounts/profile/skills/search/", {"kind": "learn", "q": "nego"})
    body = response.content.decode()
    assert "<html" in body and "Add Negotiation" in body and "Your profile" in body


def test_an_exact_match_offers_no_new_skill(junior_client):
    body = junior_client.get(
        "/accounts/profile/skills/search/", {"kind": "teach", "q": "negotiation"}, **HTMX
    ).content.decode()
    assert "Add Negotiation" in body and "Add new skill" not in body


def test_adding_a_skill_with_htmx_returns_the_skills_panel(cast, junior_client):
    skill = Skill.objects.get(name="Generative AI tools")
    response = junior_client.post(
        "/accounts/profile/skills/add/", {"kind": "teach", "skill": skill.pk}, **HTMX
    )
    body = response.content.decode()
    assert "<html" not in body and 'id="skills-teach"' in body
    assert "Generative AI tools" in body
    assert 'hx-swap-oob="true"' in body  # the search results are cleared
    assert held(cast.junior, "teach") == {"Generative AI tools": 2}


def test_a_new_skill_is_deduplicated_by_case_and_spaces(cast, junior_client):
    junior_client.post(
        "/accounts/profile/skills/add/", {"kind": "teach", "name": "  tik   TOK "}, **HTMX
    )
    junior_client.post("/accounts/profile/skills/add/", {"kind": "learn", "name": "TikTok"})
    junior_client.post(
        "/accounts/profile/skills/add/", {"kind": "learn", "name": "generative ai   TOOLS"}
    )
    assert Skill.objects.filter(key="tik tok").count() == 1
    assert Skill.objects.get(key="tik tok").name == "tik TOK"
    assert Skill.objects.filter(key="generative ai tools").count() == 1
    assert held(cast.junior, "teach") == {"tik TOK": 2}
    assert set(held(cast.junior, "learn")) == {"TikTok", "Generative AI tools"}


def test_changing_a_level_and_removing_a_skill(cast, junior_client):
    skill = Skill.objects.get(name="Negotiation")
    junior_client.post(
        "/accounts/profile/skills/add/", {"kind": "learn", "skill": skill.pk, "level": 1}
    )
    mine = ProfileSkill.objects.get(profile__user=cast.junior)
    response = junior_client.post(
        f"/accounts/profile/skills/{mine.pk}/level/", {"level": 3}, **HTMX
    )
    assert 'id="skills-learn"' in response.content.decode()
    assert held(cast.junior, "learn") == {"Negotiation": 3}
    response = junior_client.post(
        f"/accounts/profile/skills/{mine.pk}/level/", {"level": 7}, **HTMX
    )
    assert "The level is 1, 2 or 3." in response.content.decode()
    assert held(cast.junior, "learn") == {"Negotiation": 3}
    response = junior_client.post(f"/accounts/profile/skills/{mine.pk}/remove/")
    assert response.status_code == 302  # without JavaScript: back to the page
    assert held(cast.junior, "learn") == {}


def test_nobody_can_touch_another_persons_skills(cast, junior_client):
    theirs = factories.ProfileSkillFactory(profile=cast.senior.profile)
    assert junior_client.post(f"/accounts/profile/skills/{theirs.pk}/remove/").status_code == 404
    assert (
        junior_client.post(f"/accounts/profile/skills/{theirs.pk}/level/", {"level": 3}).status_code
        == 404
    )
    assert ProfileSkill.objects.filter(pk=theirs.pk, level=2).exists()


@pytest.mark.parametrize(
    "data, message",
    [
        ({"kind": "teach", "name": "   "}, "Type a skill or pick one"),
        ({"kind": "teach", "name": "!!!"}, "Type the skill"),
        ({"kind": "teach", "name": "x" * 61}, "under 60 characters"),
        ({"kind": "teach", "skill": 999999}, "That skill is gone"),
        ({"kind": "teach", "name": "Excel", "level": 9}, "Select a valid choice"),
    ],
)
def test_bad_skill_input_is_explained_and_nothing_is_added(cast, junior_client, data, message):
    skills = Skill.objects.count()
    response = junior_client.post("/accounts/profile/skills/add/", data, **HTMX)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Skill.objects.count() == skills and held(cast.junior, "teach") == {}


def test_the_plain_form_reports_errors_on_the_page(junior_client):
    response = junior_client.post(
        "/accounts/profile/skills/add/", {"kind": "teach", "name": ""}, follow=True
    )
    assert "Type a skill or pick one" in response.content.decode()


def test_at_most_fifteen_skills_per_side(cast, junior_client):
    for i in range(15):
        junior_client.post("/accounts/profile/skills/add/", {"kind": "teach", "name": f"S{i}"})
    response = junior_client.post(
        "/accounts/profile/skills/add/", {"kind": "teach", "name": "One more"}, **HTMX
    )
    assert "remove one before adding another" in response.content.decode()
    assert len(held(cast.junior, "teach")) == 15


def test_completing_the_profile_reaches_one_hundred_percent(cast, junior_client):
    junior_client.post("/accounts/profile/skills/add/", {"kind": "teach", "name": "Excel"})
    junior_client.post("/accounts/profile/skills/add/", {"kind": "learn", "name": "Budgeting"})
    junior_client.post(
        "/accounts/profile/",
        {
            "full_name": "Asha Junior",
            "timezone": "Europe/London",
            "hopes": "See how decisions get made.",
        },
    )
    assert "100% complete" in junior_client.get("/accounts/profile/").content.decode()
    home = junior_client.get("/").content.decode()
    assert "Finish your profile" not in home and "Your partner in Autumn" in home


@pytest.mark.parametrize("skills", [1, 12])
def test_the_profile_page_runs_a_bounded_number_of_queries(
    cast, junior_client, django_assert_max_num_queries, skills
):
    for i in range(skills):
        factories.ProfileSkillFactory(
            profile=cast.junior.profile, kind="teach" if i % 2 else "learn"
        )
    with django_assert_max_num_queries(10):
        page = junior_client.get("/accounts/profile/").content.decode()
    assert page.count('aria-label="Remove ') == skills
