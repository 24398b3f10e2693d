"""A tidy skill list: HR renames, merges and adds synonyms; imports and the participant's
skill search warn about near-duplicates and offer the existing skill."""

from __future__ import annotations

import pytest

from accounts.models import ProfileSkill, Skill, SkillSynonym
from accounts.taxonomy import is_near_duplicate, near_key
from mentoring.audit.models import AuditEntry
from mentoring.imports.services import import_commit, import_preview, read_upload
from tests import factories
from tests.mentoring.files.staff import csv_bytes, person
from tests.sessions_log.pair_factories import SessionLogFactory

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def _holds(user, skill, kind="teach", level=2):
    return factories.ProfileSkillFactory(profile=user.profile, skill=skill, kind=kind, level=level)


@pytest.mark.parametrize(
    "a, b",
    [
        ("LinkedIn personal brand", "LinkedIn personal branding"),
        ("linkedin-personal brand!", "LinkedIn  Personal Brand"),
        ("Data visualisation", "Data visualization"),
        ("Podcast", "Podcasts"),
    ],
)
def test_names_that_differ_only_in_case_punctuation_or_endings_are_near_duplicates(a, b):
    assert is_near_duplicate(a, b) or near_key(a) == near_key(b)


@pytest.mark.parametrize("a, b", [("Excel", "Negotiation"), ("Python", "Public speaking")])
def test_different_skills_are_not_near_duplicates(a, b):
    assert not is_near_duplicate(a, b)


def test_only_hr_opens_the_skills_page(cast, login):
    assert login(cast.junior).get("/accounts/skills/").status_code == 403
    assert login(cast.manager).get("/accounts/skills/").status_code == 403


def test_hr_sees_each_skill_with_its_usage_and_can_search_and_page(cast, login):
    tiktok = factories.SkillFactory(name="TikTok")
    _holds(cast.junior, tiktok)
    _holds(cast.senior, tiktok, kind="learn")
    SessionLogFactory(pair=cast.pair).skills_reverse.add(tiktok)
    for n in range(55):
        factories.SkillFactory(name=f"Zz skill {n:02d}")
    client = login(cast.hr)
    page = client.get("/accounts/skills/", {"q": "tikt"}).content.decode()
    assert "1 skill match" in page
    row = page[page.index('id="skill-' + str(tiktok.pk)) :]
    assert "<td>2</td>" in row[: row.index("</tr>")]  # two profiles
    assert "<td>1</td>" in row[: row.index("</tr>")]  # one session log
    second = client.get("/accounts/skills/", {"page": 2}).content.decode()
    assert "Page 2 of 2" in second and "Zz skill 54" in second


def test_merging_moves_every_use_keeps_the_higher_level_and_is_audited(cast, login):
    brand = factories.SkillFactory(name="LinkedIn personal brand")
    branding = factories.SkillFactory(name="LinkedIn personal branding")
    SkillSynonym.objects.create(skill=branding, name="Personal branding on LinkedIn")
    _holds(cast.junior, brand, level=1)
    _holds(cast.junior, branding, level=3)  # collides with the kept skill: level 3 stays
    _holds(cast.senior, branding, kind="learn")
    log = SessionLogFactory(pair=cast.pair, direction="both")
    log.skills_reverse.add(brand, branding)
    log.skills_forward.add(branding)
    SessionLogFactory(pair=cast.pair).skills_reverse.add(branding)  # only the merged name
    client = login(cast.hr)
    page = client.get("/accounts/skills/").content.decode()
    assert "Looks like “LinkedIn personal branding”" in page

    response = client.post(
        f"/accounts/skills/{branding.pk}/merge/", {"into": "linkedin personal BRAND"}, follow=True
    )
    assert "is merged into “LinkedIn personal brand”" in response.content.decode()
    assert not Skill.objects.filter(pk=branding.pk).exists()
    rows = ProfileSkill.objects.filter(skill=brand)
    assert sorted(rows.values_list("profile__user__email", "kind", "level")) == [
        ("junior@example.com", "teach", 3),
        ("senior@example.com", "learn", 2),
    ]
    assert list(log.skills_reverse.all()) == [brand]
    assert list(log.skills_forward.all()) == [brand]
    assert set(brand.synonyms.values_list("name", flat=True)) == {
        "LinkedIn personal branding",
        "Personal branding on LinkedIn",
    }
    entry = AuditEntry.objects.get(action="skill.merged")
    assert entry.actor == cast.hr and entry.target == f"skill {brand.pk}"
    board = client.get("/dashboard/").content.decode()
    reverse = board[board.index('id="reverse-skills"') :]
    assert 'LinkedIn personal brand <span class="muted">(2 sessions)' in reverse
    assert "branding" not in reverse[: reverse.index("</section>")]


def test_a_merge_into_an_unknown_skill_or_itself_changes_nothing(cast, login):
    excel = factories.SkillFactory(name="Excel")
    _holds(cast.junior, excel)
    client = login(cast.hr)
    for into in ("No such skill", "Excel"):
        response = client.post(f"/accounts/skills/{excel.pk}/merge/", {"into": into}, follow=True)
        assert response.status_code == 200
        assert "message-error" in response.content.decode()
    assert ProfileSkill.objects.get().skill == excel
    assert not AuditEntry.objects.filter(action="skill.merged").exists()


def test_renaming_keeps_the_old_name_as_a_synonym_and_refuses_a_taken_name(cast, login):
    skill = factories.SkillFactory(name="Tik tok")
    factories.SkillFactory(name="Excel")
    client = login(cast.hr)
    client.post(f"/accounts/skills/{skill.pk}/rename/", {"name": "TikTok"})
    skill.refresh_from_db()
    assert skill.name == "TikTok"
    assert list(skill.synonyms.values_list("name", flat=True)) == ["Tik tok"]
    assert AuditEntry.objects.filter(action="skill.renamed").count() == 1
    response = client.post(f"/accounts/skills/{skill.pk}/rename/", {"name": "excel"}, follow=True)
    assert "is already a skill: merge the two instead" in response.content.decode()
    skill.refresh_from_db()
    assert skill.name == "TikTok"


def test_a_synonym_resolves_to_its_skill_on_import_and_in_the_skill_search(cast, login):
    tiktok = factories.SkillFactory(name="TikTok")
    login(cast.hr).post(f"/accounts/skills/{tiktok.pk}/synonyms/", {"name": "Tik-Tok videos"})
    assert AuditEntry.objects.filter(action="skill.synonym_added").count() == 1

    cohort = factories.CohortFactory(slug="spring")
    data = csv_bytes([person("a@example.com", teaches="tik-tok VIDEOS:3", wants_to_learn="")])
    report = import_commit(cohort=cohort, staff_file=read_upload("staff.csv", data))
    assert report.new_skills == []
    assert ProfileSkill.objects.get(profile__user__email="a@example.com").skill == tiktok

    page = (
        login(cast.junior)
        .get("/accounts/profile/skills/search/", {"kind": "teach", "q": "Tik-Tok videos"}, **HTMX)
        .content.decode()
    )
    assert f'name="skill" value="{tiktok.pk}"' in page
    assert "Add new skill" not in page


def test_the_import_preview_warns_about_a_near_duplicate_new_skill(cast):
    factories.SkillFactory(name="LinkedIn personal brand")
    data = csv_bytes(
        [person("a@example.com", teaches="LinkedIn personal branding", wants_to_learn="")]
    )
    report = import_preview(cohort=None, staff_file=read_upload("staff.csv", data))
    assert report.new_skills == ["LinkedIn personal branding"]
    assert any(
        "“LinkedIn personal branding” looks like the existing “LinkedIn personal brand”" in n
        for n in report.notices
    )


def test_the_skill_search_offers_the_existing_skill_before_a_near_duplicate(cast, login):
    brand = factories.SkillFactory(name="LinkedIn personal brand")
    client = login(cast.junior)
    page = client.get(
        "/accounts/profile/skills/search/",
        {"kind": "teach", "q": "LinkedIn personal branding"},
        **HTMX,
    ).content.decode()
    assert "looks like “LinkedIn personal brand”, already in the list" in page
    assert page.index(f'name="skill" value="{brand.pk}"') < page.index("Add new skill")
    # A participant may still add the new name once they have seen the existing one.
    client.post(
        "/accounts/profile/skills/add/", {"kind": "teach", "name": "LinkedIn personal branding"}
    )
    assert Skill.objects.filter(name="LinkedIn personal branding").exists()


@pytest.mark.parametrize("size", [3, 30])
def test_the_skills_page_runs_a_bounded_number_of_queries(
    cast, login, size, django_assert_max_num_queries
):
    for n in range(size):
        skill = factories.SkillFactory(name=f"Skill {n}")
        SkillSynonym.objects.create(skill=skill, name=f"Other name {n}")
        _holds(cast.junior, skill)
    client = login(cast.hr)
    with django_assert_max_num_queries(15):
        assert client.get("/accounts/skills/").status_code == 200
