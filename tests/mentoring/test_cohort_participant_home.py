import pytest

from tests import factories

pytestmark = pytest.mark.django_db


def test_a_newly_enrolled_participant_is_told_to_finish_their_profile(cast, login):
    cohort = factories.CohortFactory(
        status="enrolling", name="Spring 2027", starts_on="2027-03-01", ends_on="2027-09-01"
    )
    newcomer = factories.UserFactory(profile__full_name="Nia Reid")
    factories.EnrolmentFactory(cohort=cohort, user=newcomer, side="senior")
    page = login(newcomer).get("/").content.decode()
    assert "Finish your profile" in page and "0% complete" not in page
    assert "Spring 2027" in page and "1 Mar 2027" in page
    assert "Finish your profile before 1 March" in page
    assert "reverse mentee" in page
    assert 'href="/accounts/profile/"' in page


def test_a_paired_participant_sees_their_partner_and_the_cadence(cast, login):
    page = login(cast.junior).get("/").content.decode()
    assert "Your partner in Autumn" in page and "Robert Senior" in page
    assert "Meet your partner about every 14 days" in page
    assert '<a href="/accounts/profile/">My skills</a>' in page  # in the main navigation


@pytest.mark.parametrize(
    "status, text",
    [
        ("pairing", "HR is choosing pairs now"),
        ("active", "HR is still finding you a partner"),
        ("closed", "This cohort has closed"),
    ],
)
def test_what_happens_next_follows_the_cohorts_stage(cast, login, status, text):
    cohort = factories.CohortFactory(status=status)
    person = factories.UserFactory()
    factories.EnrolmentFactory(cohort=cohort, user=person)
    assert text in login(person).get("/").content.decode()
