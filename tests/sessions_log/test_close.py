from datetime import timedelta

import pytest
from django.utils import timezone

from sessions_log.models import Reflection
from tests import factories
from tests.sessions_log import pair_factories
from tests.sessions_log.pair_factories import SessionLogFactory

pytestmark = pytest.mark.django_db
login = pair_factories.login


def _closing(cohort) -> None:
    cohort.ends_on = timezone.localdate() + timedelta(days=7)
    cohort.save()


def test_the_reflection_opens_two_weeks_before_the_end(cast, login):
    client = login(cast.junior)
    url = f"/sessions/pair/{cast.pair.pk}/reflection/"
    assert "opens two weeks before" in client.get(url).content.decode()
    client.post(url, {"reflection": "x", "thank_you": "y"})
    assert not Reflection.objects.exists()
    _closing(cast.cohort)
    assert (
        client.post(
            url, {"reflection": "I learnt to listen.", "thank_you": "Thank you for your patience!"}
        ).status_code
        == 302
    )
    assert Reflection.objects.get().author == cast.junior


def test_the_partner_reads_the_thank_you_but_never_the_reflection(cast, login):
    _closing(cast.cohort)
    Reflection.objects.create(
        pair=cast.pair,
        author=cast.junior,
        reflection="REFLECTION-ONLY-MINE",
        thank_you="Thank you, Robert!",
    )
    client = login(cast.senior)
    page = client.get(f"/sessions/pair/{cast.pair.pk}/").content.decode()
    record = client.get("/sessions/record/").content.decode()
    download = client.get("/sessions/record/?format=txt").content.decode()
    form = client.get(f"/sessions/pair/{cast.pair.pk}/reflection/").content.decode()
    for text in (page, record, download):
        assert "Thank you, Robert!" in text
    for text in (page, record, download, form):
        assert "REFLECTION-ONLY-MINE" not in text
    client.force_login(cast.hr)
    assert "Thank you, Robert!" not in client.get("/sessions/record/").content.decode()


def test_the_contribution_record_counts_hours_and_skills_each_way(cast, login):
    tiktok = factories.SkillFactory(name="TikTok")
    budgeting = factories.SkillFactory(name="Budgeting")
    SessionLogFactory(pair=cast.pair, minutes=90, direction="reverse").skills_reverse.add(tiktok)
    SessionLogFactory(pair=cast.pair, minutes=30, direction="forward").skills_forward.add(budgeting)
    SessionLogFactory(pair=cast.pair, minutes=60, direction="both")
    client = login(cast.junior)
    response = client.get("/sessions/record/?format=txt")
    assert response["Content-Disposition"].startswith("attachment")
    text = response.content.decode()
    assert "Hours given: 2.0" in text and "Hours received: 1.0" in text  # 90+30 / 30+30
    assert "Skills taught: TikTok" in text and "Skills learned: Budgeting" in text
    assert "Partner: Robert Senior" in text and "Sessions: 3" in text
    assert "We tried prompt writing together." not in text  # summaries stay on the pair page
    client.force_login(cast.senior)
    text = client.get("/sessions/record/?format=txt").content.decode()
    assert "Hours given: 1.0" in text and "Hours received: 2.0" in text
    assert "Skills taught: Budgeting" in text and "Skills learned: TikTok" in text


def test_the_record_needs_a_login_and_is_always_your_own(cast, client):
    assert client.get("/sessions/record/").status_code == 302
    client.force_login(cast.outsider)
    page = client.get("/sessions/record/").content.decode()
    assert "You have not been paired yet." in page and "Robert Senior" not in page


def test_the_record_page_runs_a_bounded_number_of_queries(
    cast, login, django_assert_max_num_queries
):
    client = login(cast.junior)
    SessionLogFactory(pair=cast.pair).skills_reverse.add(factories.SkillFactory())
    with django_assert_max_num_queries(25) as small:
        client.get("/sessions/record/")
    for _ in range(3):
        cohort = factories.CohortFactory()
        pair = factories.PairFactory(
            cohort=cohort, junior=factories.EnrolmentFactory(cohort=cohort, user=cast.junior)
        )
        SessionLogFactory(pair=pair).skills_reverse.add(factories.SkillFactory())
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get("/sessions/record/").content.decode().count("<article") == 4
