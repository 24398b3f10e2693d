"""HR's view of a person in a cohort: partner, sessions and hours, goals count, last activity
(never a summary, a note or a goal's text), and the profile's skills, which HR corrects."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import ProfileSkill, SkillSynonym
from mentoring.audit.models import AuditEntry
from sessions_log import services
from tests import factories
from tests.sessions_log.pair_factories import both_accept

pytestmark = pytest.mark.django_db

SUMMARY = "SHARED-SUMMARY-hr-person"
NOTE = "PRIVATE-NOTE-hr-person"
GOAL = "GOAL-TEXT-hr-person"


def url(cast, user) -> str:
    enrolment = cast.pair.junior if cast.pair.junior.user == user else cast.pair.senior
    return f"/cohorts/{cast.cohort.slug}/people/{enrolment.pk}/overview/"


@pytest.fixture
def met(cast):
    both_accept(cast.pair)
    cast.cohort.starts_on = timezone.localdate() - timedelta(days=40)
    cast.cohort.save(update_fields=["starts_on"])
    cast.pair.published_at = timezone.now() - timedelta(days=30)
    cast.pair.save(update_fields=["published_at"])
    for days_ago, minutes in ((10, 60), (3, 30)):
        services.log_session(
            pair=cast.pair,
            by=cast.junior,
            held_on=timezone.localdate() - timedelta(days=days_ago),
            minutes=minutes,
            direction="both",
            shared_summary=SUMMARY,
            private_note=NOTE,
        )
    services.add_goal(pair=cast.pair, owner=cast.senior, title=GOAL)
    return cast


def test_hr_sees_the_partner_sessions_hours_goals_and_last_activity(met, login):
    page = login(met.hr).get(url(met, met.senior)).content.decode()
    assert "Asha Junior" in page  # the partner
    assert '<dd id="person-sessions">2</dd>' in page
    assert '<dd id="person-hours">1.5</dd>' in page
    assert '<dd id="person-goals">1 (0 achieved)</dd>' in page
    three_days_ago = timezone.localdate() - timedelta(days=3)
    assert f"{three_days_ago:%-d %B %Y} (session held)" in page


def test_the_page_never_shows_a_summary_a_note_or_a_goals_text(met, login):
    client = login(met.hr)
    for user in (met.junior, met.senior):
        page = client.get(url(met, user)).content.decode()
        assert SUMMARY not in page and NOTE not in page and GOAL not in page


def test_only_hr_opens_it_and_the_person_must_be_in_that_cohort(met, client):
    for user in (met.junior, met.manager):
        client.force_login(user)
        assert client.get(url(met, met.senior)).status_code == 403
    other = factories.CohortFactory(slug="other")
    client.force_login(met.hr)
    wrong = f"/cohorts/{other.slug}/people/{met.pair.senior.pk}/overview/"
    assert client.get(wrong).status_code == 404


def test_the_cohort_pages_people_table_links_to_it(met, login):
    page = login(met.hr).get(f"/cohorts/{met.cohort.slug}/").content.decode()
    assert f'href="{url(met, met.senior)}"' in page


def test_hr_corrects_the_profiles_skills_and_each_change_is_audited(cast, login):
    tiktok = factories.SkillFactory(name="TikTok")
    SkillSynonym.objects.create(skill=tiktok, name="Tik Tok")
    client = login(cast.hr)
    post = url(cast, cast.junior) + "skills/"
    response = client.post(
        post, {"action": "add", "name": "tik tok", "kind": "teach", "level": "3"}
    )
    assert response.status_code == 302
    row = ProfileSkill.objects.get(profile__user=cast.junior)
    assert (row.skill, row.kind, row.level) == (tiktok, "teach", 3)
    client.post(post, {"action": "level", "row": row.pk, "level": "1"})
    row.refresh_from_db()
    assert row.level == 1
    page = client.get(url(cast, cast.junior)).content.decode()
    assert "TikTok (1)" in page
    client.post(post, {"action": "remove", "row": row.pk})
    assert not ProfileSkill.objects.filter(profile__user=cast.junior).exists()
    entries = AuditEntry.objects.filter(action="profile.skills_corrected")
    assert entries.count() == 3 and {e.subject for e in entries} == {cast.junior}


@pytest.mark.parametrize(
    "data",
    [
        {"action": "add", "name": "", "kind": "teach"},
        {"action": "add", "name": "Excel", "kind": "both"},
        {"action": "add", "name": "Excel", "kind": "teach", "level": "9"},
        {"action": "level", "row": "1", "level": "x"},
        {"action": "jump"},
    ],
)
def test_bad_corrections_change_nothing_and_say_why(cast, login, data):
    held = factories.ProfileSkillFactory(
        profile=cast.junior.profile, skill=factories.SkillFactory(name="Negotiation"), level=2
    )
    if "row" in data:
        data = {**data, "row": held.pk}
    client = login(cast.hr)
    response = client.post(url(cast, cast.junior) + "skills/", data, follow=True)
    assert response.status_code == 200
    assert "message-error" in response.content.decode()
    assert list(ProfileSkill.objects.values_list("skill__name", "level")) == [("Negotiation", 2)]
    assert not AuditEntry.objects.filter(action="profile.skills_corrected").exists()


def test_another_persons_skill_row_is_not_found(cast, login):
    theirs = factories.ProfileSkillFactory(profile=cast.outsider.profile)
    client = login(cast.hr)
    response = client.post(
        url(cast, cast.junior) + "skills/", {"action": "remove", "row": theirs.pk}
    )
    assert response.status_code == 404
    assert ProfileSkill.objects.filter(pk=theirs.pk).exists()


def test_the_page_runs_a_bounded_number_of_queries(met, login, django_assert_max_num_queries):
    for _ in range(12):
        factories.ProfileSkillFactory(profile=met.senior.profile, skill=factories.SkillFactory())
    client = login(met.hr)
    with django_assert_max_num_queries(15):
        assert client.get(url(met, met.senior)).status_code == 200
