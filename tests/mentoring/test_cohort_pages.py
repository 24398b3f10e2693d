from datetime import date

import pytest

from accounts.models import ProfileSkill
from mentoring.models import Cohort, Enrolment, OutboxMessage
from tests import factories

pytestmark = pytest.mark.django_db


def cohort_form(**overrides) -> dict:
    data = {
        "name": "Spring 2027",
        "slug": "",
        "description": "",
        "starts_on": "2027-03-01",
        "ends_on": "2027-09-01",
        "meeting_cadence_days": 14,
        "weight_reverse": 3,
        "weight_forward": 2,
        "weight_forward_bonus": 2,
        "weight_department": 1,
        "weight_location": 1,
        "min_grade_gap": "",
        "max_timezone_diff_hours": "",
    }
    data.update(overrides)
    return data


def test_only_hr_can_open_or_change_a_cohort(cast, client, login):
    slug = cast.cohort.slug
    gets = [
        f"/cohorts/{slug}/",
        f"/cohorts/{slug}/edit/",
        f"/cohorts/{slug}/people/add/",
        f"/cohorts/{slug}/people/{cast.pair.junior_id}/",
    ]
    posts = [
        f"/cohorts/{slug}/status/",
        f"/cohorts/{slug}/archive/",
        f"/cohorts/{slug}/invite/",
        f"/cohorts/{slug}/remind/",
        f"/cohorts/{slug}/people/{cast.pair.junior_id}/resend/",
    ]
    for person in (cast.junior, cast.senior, cast.manager, cast.outsider):
        login(person)
        for url in gets:
            assert client.get(url).status_code == 403, (person, url)
        for url in posts:
            assert (
                client.post(
                    url, {"status": "closed", "confirm": "yes", "action": "all"}
                ).status_code
                == 403
            ), (person, url)
    cast.cohort.refresh_from_db()
    assert cast.cohort.status == "active" and not cast.cohort.archived_at
    assert not OutboxMessage.objects.exists()


def test_wrong_cohort_or_enrolment_ids_are_not_found(cast, hr_client):
    other = factories.EnrolmentFactory()  # in another cohort
    slug = cast.cohort.slug
    assert hr_client.get("/cohorts/nope/").status_code == 404
    assert hr_client.get(f"/cohorts/{slug}/people/{other.pk}/").status_code == 404
    assert hr_client.post(f"/cohorts/{slug}/people/{other.pk}/resend/").status_code == 404
    assert hr_client.get(f"/cohorts/{slug}/people/999999/").status_code == 404


def test_hr_creates_a_draft_cohort_with_its_weights(cast, hr_client):
    programme = cast.cohort.programme
    response = hr_client.post(
        f"/programmes/{programme.slug}/cohorts/new/",
        cohort_form(weight_reverse=5, min_grade_gap=2, must_differ_department="on"),
    )
    cohort = Cohort.objects.get(name="Spring 2027")
    assert response.url == f"/cohorts/{cohort.slug}/"
    assert cohort.slug == "spring-2027" and cohort.status == "draft"
    assert cohort.weight_reverse == 5 and cohort.min_grade_gap == 2
    assert cohort.must_differ_department and cohort.starts_on == date(2027, 3, 1)


@pytest.mark.parametrize(
    "bad, message",
    [
        ({"ends_on": "2027-01-01"}, "must end on or after"),
        ({"meeting_cadence_days": 0}, "greater than or equal to 1"),
        ({"meeting_cadence_days": 91}, "less than or equal to 90"),
        ({"meeting_cadence_days": "often"}, "Enter a whole number"),
        ({"slug": "taken"}, "is taken"),
        ({"slug": "not a slug!"}, "Enter a valid"),
        ({"starts_on": "31/02/2027"}, "Enter a valid date"),
        ({"weight_reverse": -1}, "greater than or equal to 0"),
        ({"weight_reverse": 0, "weight_forward": 0}, "At least one skill weight"),
        ({"max_timezone_diff_hours": 30}, "less than or equal to 23"),
        ({"name": ""}, "This field is required"),
    ],
)
def test_bad_cohort_input_is_explained_and_nothing_is_saved(cast, hr_client, bad, message):
    programme = cast.cohort.programme
    factories.CohortFactory(slug="taken")
    response = hr_client.post(f"/programmes/{programme.slug}/cohorts/new/", cohort_form(**bad))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Cohort.objects.count() == 3  # the cast's two and "taken", no more
    # Editing an existing cohort with the same input changes nothing either.
    response = hr_client.post(
        f"/cohorts/{cast.cohort.slug}/edit/",
        cohort_form(**{"name": "Autumn", "slug": "autumn", **bad}),
    )
    assert response.status_code == 200
    cast.cohort.refresh_from_db()
    assert cast.cohort.meeting_cadence_days == 14 and cast.cohort.weight_reverse == 3


def test_hr_edits_a_cohorts_rules(cast, hr_client):
    hr_client.post(
        f"/cohorts/{cast.cohort.slug}/edit/",
        cohort_form(
            name="Autumn",
            slug="autumn",
            max_timezone_diff_hours=4,
            meeting_cadence_days=21,
        ),
    )
    cast.cohort.refresh_from_db()
    assert cast.cohort.max_timezone_diff_hours == 4 and cast.cohort.meeting_cadence_days == 21


def test_the_cohort_form_offers_no_switch_for_never_again(cast, hr_client):
    # Never again is always on (DESIGN.md "Pairing score"): a switch that changed nothing
    # would mislead HR.
    page = hr_client.get(f"/cohorts/{cast.cohort.slug}/edit/").content.decode()
    assert "Partners must be in different departments" in page
    assert "partners before" not in page and "previous_partners" not in page


def test_the_status_flow_moves_forward_and_refuses_skips(cast, hr_client):
    cohort = factories.CohortFactory(status="draft", slug="spring")
    url = f"/cohorts/{cohort.slug}/status/"
    hr_client.post(url, {"status": "active"})
    cohort.refresh_from_db()
    assert cohort.status == "draft"
    page = hr_client.get(f"/cohorts/{cohort.slug}/").content.decode()
    assert "A draft cohort cannot become active" in page
    hr_client.post(url, {"status": "enrolling"})
    hr_client.post(url, {"status": "pairing"})
    cohort.refresh_from_db()
    assert cohort.status == "enrolling"  # nobody enrolled: nothing to pair
    factories.EnrolmentFactory(cohort=cohort, side="junior")
    factories.EnrolmentFactory(cohort=cohort, side="senior")
    hr_client.post(url, {"status": "pairing"})
    hr_client.post(url, {"status": "active"})
    cohort.refresh_from_db()
    assert cohort.status == "pairing"  # no pairs published yet
    assert "Publish pairs" in hr_client.get(f"/cohorts/{cohort.slug}/").content.decode()
    hr_client.post(url, {"status": "nonsense"})
    cohort.refresh_from_db()
    assert cohort.status == "pairing"


def test_closing_needs_a_confirmation(cast, hr_client):
    url = f"/cohorts/{cast.cohort.slug}/status/"
    hr_client.post(url, {"status": "closed"})
    cast.cohort.refresh_from_db()
    assert cast.cohort.status == "active"
    hr_client.post(url, {"status": "closed", "confirm": "yes"})
    cast.cohort.refresh_from_db()
    assert cast.cohort.status == "closed" and cast.cohort.closed_at


def test_only_a_draft_or_closed_cohort_can_be_archived(cast, hr_client):
    hr_client.post(f"/cohorts/{cast.cohort.slug}/archive/", {"action": "archive"})
    cast.cohort.refresh_from_db()
    assert not cast.cohort.archived_at
    draft = factories.CohortFactory(status="draft", programme=cast.cohort.programme)
    hr_client.post(f"/cohorts/{draft.slug}/archive/", {"action": "archive"})
    draft.refresh_from_db()
    assert draft.archived_at
    assert "Archived" in hr_client.get(f"/programmes/{draft.programme.slug}/").content.decode()


def _enrol(
    cohort,
    side,
    *,
    teaches=(),
    learns=(),
    hopes="",
    invited=False,
    capacity=1,
    accepted=False,
    **profile,
):
    """Somebody enrolled who has not signed in yet (unless `accepted`)."""
    user = factories.UserFactory(
        profile__hopes=hopes, **{f"profile__{k}": v for k, v in profile.items()}
    )
    if not accepted:
        user.set_unusable_password()
        user.save()
    for name in teaches:
        factories.ProfileSkillFactory(
            profile=user.profile,
            skill=factories.SkillFactory(name=name),
            kind=ProfileSkill.Kind.TEACH,
        )
    for name in learns:
        factories.ProfileSkillFactory(
            profile=user.profile,
            skill=factories.SkillFactory(name=name),
            kind=ProfileSkill.Kind.LEARN,
        )
    return factories.EnrolmentFactory(
        cohort=cohort,
        user=user,
        side=side,
        capacity=capacity,
        invited_at="2026-11-01T10:00Z" if invited else None,
    )


def test_the_cohort_page_shows_people_balance_and_skill_gaps(cast, hr_client):
    cohort = factories.CohortFactory(status="enrolling", slug="spring")
    _enrol(
        cohort,
        "junior",
        teaches=["TikTok", "Excel"],
        learns=["Negotiation"],
        hopes="Learn how boards work",
        full_name="Jo Complete",
        department="Data",
    )
    _enrol(cohort, "junior", teaches=["TikTok"], full_name="Kim Half", invited=True)
    _enrol(cohort, "junior", full_name="Lee Empty")
    _enrol(
        cohort,
        "senior",
        learns=["TikTok", "Figma"],
        teaches=["Negotiation"],
        full_name="Sam Senior",
        capacity=2,
    )
    page = hr_client.get(f"/cohorts/{cohort.slug}/").content.decode()
    assert "Jo Complete" in page and "Sam Senior" in page and "Data" in page
    assert "100%" in page and "Missing: skills to learn, hopes" in page
    assert "Invited 1 Nov" in page and "Not invited" in page
    # 3 juniors, 2 senior places: one junior left over.
    assert "1 junior would be left without a partner" in page
    assert "Invite 3 people" in page and "3 profiles incomplete" in page
    # Figma: wanted by a senior, taught by no junior.
    reverse_table = page.split('id="skills-reverse"')[1].split("</table>")[0]
    assert "Figma" in reverse_table and "1 short" in reverse_table
    assert "TikTok" in reverse_table and "1 spare" in reverse_table
    forward_table = page.split('id="skills-forward"')[1].split("</table>")[0]
    assert "Negotiation" in forward_table and "even" in forward_table


def test_an_empty_cohort_points_to_bringing_people_in(cast, hr_client):
    cohort = factories.CohortFactory(status="draft", slug="empty")
    page = hr_client.get(f"/cohorts/{cohort.slug}/").content.decode()
    assert "Import staff" in page and "Nobody is enrolled yet" in page


def test_the_cohort_page_filters_people_by_state(cast, hr_client):
    cohort = factories.CohortFactory(status="enrolling", slug="spring")
    _enrol(cohort, "junior", full_name="Nora Notinvited")
    _enrol(cohort, "junior", full_name="Ivan Invited", invited=True)
    enrolment = _enrol(cohort, "senior", full_name="Ada Accepted", invited=True)
    enrolment.user.last_login = "2026-11-02T10:00Z"  # signed in through SSO: no password
    enrolment.user.save()
    page = hr_client.get(f"/cohorts/{cohort.slug}/?state=invited").content.decode()
    assert "Ivan Invited" in page and "Nora Notinvited" not in page and "Ada Accepted" not in page
    page = hr_client.get(f"/cohorts/{cohort.slug}/?state=accepted").content.decode()
    assert "Ada Accepted" in page and "Ivan Invited" not in page
    page = hr_client.get(f"/cohorts/{cohort.slug}/?q=nora").content.decode()
    assert "Nora Notinvited" in page and "Ivan Invited" not in page


@pytest.mark.parametrize("people", [4, 40])
def test_the_cohort_page_runs_a_bounded_number_of_queries(
    cast, hr_client, django_assert_max_num_queries, people
):
    cohort = factories.CohortFactory(status="enrolling", slug="big")
    for i in range(people):
        _enrol(
            cohort,
            "junior" if i % 2 else "senior",
            teaches=[f"Skill {i % 5}"],
            learns=[f"Skill {(i + 1) % 5}"],
            invited=i % 3 == 0,
        )
    factories.EnrolmentFactory(cohort=cohort, status=Enrolment.Status.WITHDRAWN)
    with django_assert_max_num_queries(12):
        response = hr_client.get(f"/cohorts/{cohort.slug}/")
    assert response.status_code == 200


def test_each_stage_offers_the_step_it_allows(cast, hr_client):
    cohort = factories.CohortFactory(status="draft", slug="steps")
    _enrol(cohort, "junior", invited=True)
    _enrol(cohort, "senior", invited=True)
    page = hr_client.get(f"/cohorts/{cohort.slug}/").content.decode()
    assert 'value="enrolling" class="secondary">Open enrolment' in page
    assert "Move to pairing</button>" not in page.split('id="summary-heading"')[0]
    cohort.move_to("enrolling")
    page = hr_client.get(f"/cohorts/{cohort.slug}/").content.decode()
    assert 'value="pairing" class="secondary">Move to pairing' in page
    cohort.move_to("pairing")
    page = hr_client.get(f"/cohorts/{cohort.slug}/").content.decode()
    assert 'href="/pairing/cohorts/steps/"><strong>Run pairing' in page


def test_a_closed_cohort_offers_no_invitations(cast, hr_client):
    cohort = factories.CohortFactory(status="closed", slug="old")
    _enrol(cohort, "junior", full_name="Late Larry")
    page = hr_client.get(f"/cohorts/{cohort.slug}/").content.decode()
    assert "Late Larry" in page and "This cohort is closed." in page
    assert 'name="enrolment"' not in page and "Invite all" not in page


@pytest.mark.parametrize("cohorts", [1, 6])
def test_the_programme_page_runs_a_bounded_number_of_queries(
    cast, hr_client, django_assert_max_num_queries, cohorts
):
    programme = factories.ProgrammeFactory(slug="many")
    for _ in range(cohorts):
        _enrol(factories.CohortFactory(programme=programme), "junior")
    with django_assert_max_num_queries(8):
        page = hr_client.get("/programmes/many/").content.decode()
    assert page.count('href="/cohorts/') == cohorts
