import pytest

from mentoring.models import Programme
from pairing.models import RematchRequest
from tests import factories

pytestmark = pytest.mark.django_db


def test_only_hr_can_open_the_programme_pages(cast, client, login):
    programme = cast.cohort.programme
    urls = [
        "/programmes/new/",
        f"/programmes/{programme.slug}/",
        f"/programmes/{programme.slug}/edit/",
        f"/programmes/{programme.slug}/cohorts/new/",
    ]
    for url in urls:
        assert client.get(url).status_code == 302  # anonymous: to the log-in page
    for person in (cast.junior, cast.manager, cast.outsider):
        login(person)
        for url in urls:
            assert client.get(url).status_code == 403, (person, url)
        assert client.post(f"/programmes/{programme.slug}/archive/").status_code == 403
    programme.refresh_from_db()
    assert not programme.is_archived


def test_a_wrong_programme_slug_is_not_found(hr_client):
    assert hr_client.get("/programmes/nope/").status_code == 404
    assert hr_client.get("/programmes/nope/edit/").status_code == 404
    assert hr_client.post("/programmes/nope/archive/").status_code == 404


def test_hr_creates_a_programme_and_its_slug_comes_from_the_name(hr_client):
    response = hr_client.post(
        "/programmes/new/",
        {
            "name": "Leaders Learn",
            "slug": "",
            "description": "Twice a year.",
            "agreement": "What is said here stays here.\nNo question is a stupid question.",
        },
    )
    programme = Programme.objects.get(name="Leaders Learn")
    assert programme.slug == "leaders-learn"
    assert response.url == f"/programmes/{programme.slug}/cohorts/new/"
    page = hr_client.get(f"/programmes/{programme.slug}/").content.decode()
    assert "No question is a stupid question." in page


def test_a_taken_slug_or_missing_name_is_refused_and_nothing_is_saved(cast, hr_client):
    taken = cast.cohort.programme.slug
    response = hr_client.post("/programmes/new/", {"name": "", "slug": taken})
    assert response.status_code == 200
    page = response.content.decode()
    assert "is taken" in page and "This field is required" in page
    assert Programme.objects.count() == 2  # the cast's two programmes, no third


def test_editing_with_bad_input_changes_nothing(cast, hr_client):
    programme = cast.cohort.programme
    other = factories.ProgrammeFactory(slug="other")
    response = hr_client.post(
        f"/programmes/{programme.slug}/edit/",
        {"name": "Renamed", "slug": other.slug, "agreement": "New words"},
    )
    assert response.status_code == 200
    assert "is taken" in response.content.decode()
    programme.refresh_from_db()
    assert programme.name != "Renamed" and programme.agreement != "New words"


def test_hr_edits_the_agreement(cast, hr_client):
    programme = cast.cohort.programme
    hr_client.post(
        f"/programmes/{programme.slug}/edit/",
        {"name": programme.name, "slug": programme.slug, "agreement": "Cancel a day ahead."},
    )
    programme.refresh_from_db()
    assert programme.agreement == "Cancel a day ahead."


def test_archiving_hides_a_programme_from_the_home_page_until_restored(cast, hr_client):
    programme = cast.cohort.programme
    heading = f'id="programme-{programme.pk}"'
    assert heading in hr_client.get("/").content.decode()
    hr_client.post(f"/programmes/{programme.slug}/archive/", {"action": "archive"})
    home = hr_client.get("/").content.decode()
    assert heading not in home and "Archived programmes (1)" in home
    programme.refresh_from_db()
    assert programme.is_archived and programme.cohorts.exists()  # nothing deleted
    assert hr_client.get(f"/programmes/{programme.slug}/cohorts/new/").status_code == 302
    hr_client.post(f"/programmes/{programme.slug}/archive/", {"action": "restore"})
    assert heading in hr_client.get("/").content.decode()


def test_archive_only_answers_post(cast, hr_client):
    assert hr_client.get(f"/programmes/{cast.cohort.programme.slug}/archive/").status_code == 405


@pytest.mark.parametrize("programmes", [1, 6])
def test_the_programmes_home_runs_a_bounded_number_of_queries(
    cast, hr_client, django_assert_max_num_queries, programmes
):
    for _ in range(programmes):
        cohort = factories.CohortFactory()
        pair = factories.PairFactory(cohort=cohort)
        # Each cohort needs HR: someone waits for a partner and a pair asks for a re-match.
        factories.EnrolmentFactory(cohort=cohort)
        RematchRequest.objects.create(pair=pair, requested_by=pair.junior.user)
        factories.ProgrammeFactory(archived_at="2026-01-01T00:00Z")
    with django_assert_max_num_queries(10):
        page = hr_client.get("/").content.decode()
    assert page.count("<section") >= programmes + 1
    assert page.count("1 re-match request, 1 waiting for a partner") == programmes
