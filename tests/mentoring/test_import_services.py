"""The staff import against the database: the upsert, its checks, and the export round trip."""

from __future__ import annotations

import csv
import io

import pytest
from django.conf import settings

from accounts.models import Profile, ProfileSkill, Skill, User
from mentoring.imports.export import cohort_staff_csv, template_csv
from mentoring.imports.parse import REQUIRED_COLUMNS
from mentoring.imports.services import import_commit, import_preview, read_upload
from mentoring.lib.spreadsheet import neutralise
from mentoring.models import Enrolment
from tests import factories
from tests.mentoring.files.staff import csv_bytes, person, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort():
    return factories.CohortFactory(name="Spring", slug="spring")


def run(cohort, data: bytes, filename: str = "staff.csv"):
    return import_commit(cohort=cohort, staff_file=read_upload(filename, data))


def snapshot(cohort) -> tuple:
    """Everything an import may write, to prove a run changed nothing."""
    return (
        sorted(User.objects.values_list("pk", "email", "password")),
        sorted(
            Profile.objects.values_list(
                "pk",
                "user_id",
                "full_name",
                "job_title",
                "department",
                "location",
                "grade",
                "manager_id",
                "timezone",
                "employee_id",
                "updated_at",
            )
        ),
        sorted(ProfileSkill.objects.values_list("pk", "profile_id", "skill_id", "kind", "level")),
        sorted(Enrolment.objects.values_list("pk", "cohort_id", "user_id", "side", "capacity")),
        sorted(Skill.objects.values_list("pk", "name")),
    )


def test_it_creates_people_profiles_skills_and_enrolments(cohort):
    factories.SkillFactory(name="TikTok")
    report = run(
        cohort,
        csv_bytes(
            [
                person(
                    "Asha@Example.com",
                    full_name="Asha Okafor",
                    teaches="tiktok:3; Data  Visualisation",
                    wants_to_learn="Negotiation:1",
                    manager_email="rob@example.com",
                    grade="2",
                    employee_id="E1",
                ),
                person(
                    "rob@example.com",
                    full_name="Robert Lindqvist",
                    side="senior",
                    capacity="2",
                    timezone="America/New_York",
                    teaches="Negotiation:3",
                    wants_to_learn="TikTok",
                ),
            ]
        ),
    )
    assert report.ok and report.committed
    assert (report.new_people, report.updated_people, report.unchanged_people) == (2, 0, 0)
    assert report.new_skills == ["Data Visualisation", "Negotiation"]

    asha = User.objects.get(email="asha@example.com")
    assert not asha.has_usable_password()
    assert asha.profile.full_name == "Asha Okafor" and asha.profile.employee_id == "E1"
    assert asha.profile.manager.email == "rob@example.com" and asha.profile.grade == 2
    skills = {(s.kind, s.skill.name, s.level) for s in asha.profile.skills.select_related("skill")}
    assert skills == {
        ("teach", "TikTok", 3),
        ("teach", "Data Visualisation", 2),
        ("learn", "Negotiation", 1),
    }
    assert Skill.objects.get(name="Data Visualisation").key == "data visualisation"
    rob = Enrolment.objects.get(cohort=cohort, user__email="rob@example.com")
    assert (rob.side, rob.capacity) == ("senior", 2)
    assert rob.user.profile.timezone == "America/New_York"
    assert Enrolment.objects.get(user=asha).side == "junior"


def test_reimporting_the_same_file_changes_nothing(cohort):
    data = csv_bytes(
        [
            person("a@example.com", manager_email="b@example.com"),
            person("b@example.com", side="senior", teaches="Strategy:3"),
        ]
    )
    run(cohort, data)
    before = snapshot(cohort)
    report = run(cohort, data)
    assert report.ok
    assert (report.new_people, report.updated_people, report.unchanged_people) == (0, 0, 2)
    assert report.new_skills == [] and report.joining_cohort == 0
    assert snapshot(cohort) == before


def test_a_changed_row_updates_only_that_person(cohort):
    run(cohort, csv_bytes([person("a@example.com"), person("b@example.com")]))
    b_profile = Profile.objects.get(user__email="b@example.com")
    report = run(
        cohort,
        csv_bytes(
            [
                person(
                    "a@example.com",
                    side="senior",
                    capacity="3",
                    department="Finance",
                    teaches="TikTok:1",
                    wants_to_learn="",
                ),
                person("b@example.com"),
            ]
        ),
    )
    assert (report.updated_people, report.unchanged_people) == (1, 1)
    assert [(c.line, c.email, c.what) for c in report.changes] == [
        (2, "a@example.com", "side junior → senior, capacity 1 → 3, department, skills")
    ]
    a = Enrolment.objects.select_related("user__profile").get(user__email="a@example.com")
    assert (a.side, a.capacity, a.user.profile.department) == ("senior", 3, "Finance")
    assert list(a.user.profile.skills.values_list("skill__name", "kind", "level")) == [
        ("TikTok", "teach", 1)
    ]
    b_after = Profile.objects.get(user__email="b@example.com")
    assert b_after.updated_at == b_profile.updated_at


def test_existing_people_are_matched_by_email_ignoring_case_and_enrolled(cohort):
    existing = factories.UserFactory(email="known@example.com", profile__full_name="Old Name")
    report = run(cohort, csv_bytes([person("KNOWN@example.com", full_name="New Name")]))
    assert (report.new_people, report.updated_people, report.joining_cohort) == (0, 1, 1)
    existing.refresh_from_db()
    assert existing.profile.full_name == "New Name"
    assert existing.has_usable_password()  # an import never touches a password
    assert Enrolment.objects.filter(cohort=cohort, user=existing).exists()


def test_people_missing_from_the_file_are_left_alone(cohort):
    other = factories.EnrolmentFactory(cohort=cohort, side="senior")
    report = run(cohort, csv_bytes([person("a@example.com")]))
    assert report.ok
    assert Enrolment.objects.filter(pk=other.pk).exists()


def test_leaving_out_the_grade_column_keeps_known_grades(cohort):
    user = factories.UserFactory(email="a@example.com", profile__grade=7)
    columns = REQUIRED_COLUMNS
    report = run(cohort, csv_bytes([person("a@example.com")], columns=columns))
    assert report.ok
    user.profile.refresh_from_db()
    assert user.profile.grade == 7


def test_a_manager_may_be_someone_already_on_twoway(cohort):
    boss = factories.UserFactory(email="boss@example.com")
    assert run(cohort, csv_bytes([person("a@example.com", manager_email="Boss@example.com")])).ok
    assert Profile.objects.get(user__email="a@example.com").manager == boss


def bad(cohort, rows, **kwargs):
    before = snapshot(cohort)
    report = run(cohort, csv_bytes(rows, **kwargs))
    assert not report.ok and not report.committed
    assert snapshot(cohort) == before, "a bad file must import nothing"
    return {(p.line, p.reason) for p in report.problems}


def test_a_manager_email_that_names_nobody_is_a_bad_row(cohort):
    problems = bad(
        cohort,
        [person("a@example.com"), person("b@example.com", manager_email="ghost@example.com")],
    )
    assert problems == {
        (
            3,
            "manager_email ghost@example.com names nobody: not a row of this "
            "file nor a person on Twoway.",
        )
    }


def test_a_manager_that_names_a_bad_row_is_not_reported_as_nobody(cohort):
    problems = bad(
        cohort,
        [person("a@example.com", side="x"), person("b@example.com", manager_email="a@example.com")],
    )
    assert [line for line, _ in problems] == [2]


def test_manager_cycles_within_the_file_are_reported_on_every_row_in_the_loop(cohort):
    problems = bad(
        cohort,
        [
            person("a@example.com", manager_email="b@example.com"),
            person("b@example.com", manager_email="c@example.com"),
            person("c@example.com", manager_email="a@example.com"),
            person("d@example.com", manager_email="a@example.com"),
        ],
    )
    assert sorted(line for line, _ in problems) == [2, 3, 4]
    assert any(
        "a@example.com → b@example.com → c@example.com → a@example.com" in reason
        for _, reason in problems
    )


def test_manager_cycles_through_existing_people_are_reported(cohort):
    # On Twoway: x reports to y, y reports to a. The file makes a report to x: a loop.
    a = factories.UserFactory(email="a@example.com")
    y = factories.UserFactory(email="y@example.com", profile__manager=a)
    factories.UserFactory(email="x@example.com", profile__manager=y)
    problems = bad(cohort, [person("a@example.com", manager_email="x@example.com")])
    assert problems == {
        (
            2,
            "manager chain goes round in a circle: a@example.com → "
            "x@example.com → y@example.com → a@example.com.",
        )
    }


def test_a_chain_that_the_file_breaks_is_not_a_cycle(cohort):
    # On Twoway y reports to a; the file gives y a new manager, so a -> y is fine.
    a = factories.UserFactory(email="a@example.com")
    factories.UserFactory(email="y@example.com", profile__manager=a)
    factories.UserFactory(email="z@example.com")
    report = run(
        cohort,
        csv_bytes(
            [
                person("a@example.com", manager_email="y@example.com"),
                person("y@example.com", manager_email="z@example.com"),
            ]
        ),
    )
    assert report.ok, report.problems


def test_a_paired_person_cannot_change_side(cohort):
    pair = factories.PairFactory(cohort=cohort)
    email = pair.junior.user.email
    problems = bad(cohort, [person(email, side="senior")])
    assert problems == {
        (
            2,
            "is paired in this cohort as a junior; an import cannot make them a "
            "senior. End the pair first.",
        )
    }


def test_file_level_and_row_problems_both_import_nothing(cohort):
    assert bad(cohort, [person("a@example.com"), person("a@example.com")]) == {
        (3, "a@example.com appears twice in the file (first on line 2).")
    }
    before = snapshot(cohort)
    report = run(cohort, b"\xff\xfe not utf8")
    assert report.errors and not report.ok and snapshot(cohort) == before


def test_preview_counts_without_writing(cohort):
    factories.UserFactory(email="b@example.com")
    before = snapshot(cohort)
    report = import_preview(
        cohort=cohort,
        staff_file=read_upload(
            "s.csv",
            csv_bytes(
                [person("a@example.com", teaches="Brand new skill"), person("b@example.com")]
            ),
        ),
    )
    assert report.ok and not report.committed
    assert (report.new_people, report.updated_people, report.joining_cohort) == (1, 1, 2)
    assert report.new_skills == ["Brand new skill", "Data visualisation", "Negotiation", "TikTok"]
    assert snapshot(cohort) == before


def test_an_xlsx_import_matches_the_same_csv(cohort):
    rows = [person("a@example.com", capacity="2"), person("b@example.com", side="senior")]
    run(cohort, xlsx_bytes(rows), "staff.xlsx")
    report = run(cohort, csv_bytes(rows))
    assert report.unchanged_people == 2


def test_the_import_runs_a_bounded_number_of_queries(cohort, django_assert_max_num_queries):
    small = csv_bytes(
        [person(f"p{i}@example.com", manager_email="p0@example.com" if i else "") for i in range(5)]
    )
    large = csv_bytes(
        [
            person(f"p{i}@example.com", manager_email="p0@example.com" if i else "")
            for i in range(200)
        ]
    )
    other = factories.CohortFactory()  # made outside the count: the budget is the import's
    with django_assert_max_num_queries(25):
        run(cohort, small)
    with django_assert_max_num_queries(25):
        run(other, large)


# --- exports ----------------------------------------------------------------------------


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_the_export_reimports_unchanged(cohort):
    factories.UserFactory(email="boss@example.com")
    run(
        cohort,
        csv_bytes(
            [
                person(
                    "a@example.com",
                    full_name='=HYPERLINK("http://evil")',
                    department="-Ops",
                    location="@home",
                    job_title="+1 lead",
                    teaches="=SUM(A1):3; Excel",
                    manager_email="boss@example.com",
                    grade="-2",
                    employee_id="E-1",
                ),
                person(
                    "b@example.com", side="senior", capacity="2", timezone="Asia/Tokyo", grade=""
                ),
            ]
        ),
    )
    before = snapshot(cohort)
    exported = cohort_staff_csv(cohort).encode()
    report = run(cohort, exported)
    assert report.ok, report.problem_lines()
    assert (report.unchanged_people, report.updated_people, report.new_people) == (2, 0, 0)
    assert snapshot(cohort) == before


def test_the_export_neutralises_formula_cells(cohort):
    run(
        cohort,
        csv_bytes(
            [
                person(
                    "a@example.com",
                    full_name="=1+1",
                    department="+Sales",
                    location="-London",
                    job_title="@lead",
                    teaches="=cmd:3",
                )
            ]
        ),
    )
    row = rows_of(cohort_staff_csv(cohort))[0]
    assert row["full_name"] == "'=1+1" and row["department"] == "'+Sales"
    assert row["location"] == "'-London" and row["job_title"] == "'@lead"
    assert row["teaches"] == "'=cmd:3"
    assert neutralise("-3") == "-3"  # a plain number is safe and stays a number


def test_the_export_has_the_import_columns_and_every_active_participant(cohort):
    run(
        cohort,
        csv_bytes(
            [
                person("a@example.com", teaches="Excel:1; TikTok:3"),
                person("b@example.com", side="senior"),
            ]
        ),
    )
    Enrolment.objects.filter(user__email="b@example.com").update(status="withdrawn")
    text = cohort_staff_csv(cohort)
    assert text.splitlines()[0] == (
        "email,full_name,side,job_title,department,location,"
        "manager_email,teaches,wants_to_learn,capacity,timezone,"
        "grade,employee_id"
    )
    rows = rows_of(text)
    assert [r["email"] for r in rows] == ["a@example.com"]
    assert rows[0]["teaches"] == "Excel:1; TikTok:3"


def test_the_template_imports_cleanly(cohort):
    report = run(cohort, template_csv().encode())
    assert report.ok and report.new_people == 2
    assert User.objects.filter(email="robert.lindqvist@example.com").exists()


def test_an_empty_timezone_gives_new_people_the_sites_zone_and_keeps_a_known_persons(cohort):
    factories.UserFactory(email="known@example.com", profile__timezone="Asia/Tokyo")
    report = run(
        cohort,
        csv_bytes(
            [person("known@example.com", timezone=""), person("new@example.com", timezone="")]
        ),
    )
    assert report.ok
    zones = dict(Profile.objects.values_list("user__email", "timezone"))
    assert zones["known@example.com"] == "Asia/Tokyo"
    assert zones["new@example.com"] == settings.TIME_ZONE == "Europe/London"


def test_a_clash_with_a_concurrent_write_imports_nothing_and_says_try_again(cohort, monkeypatch):
    from django.db import IntegrityError

    from mentoring.imports.services import writing

    def clash(*args, **kwargs):
        User.objects.create(email="first@example.com")  # written, then rolled back
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(writing, "_apply_enrolments", clash)
    report = run(cohort, csv_bytes([person("a@example.com")]))
    assert not report.ok and "Try again" in report.errors[0]
    assert not User.objects.filter(email__in=["a@example.com", "first@example.com"]).exists()


def test_a_person_stored_with_capitals_is_still_matched(cohort):
    user = factories.UserFactory(email="mixed@example.com")
    User.objects.filter(pk=user.pk).update(email="Mixed@Example.com")  # as an old import might have
    report = run(
        cohort,
        csv_bytes(
            [
                person("mixed@example.com"),
                person("b@example.com", manager_email="MIXED@example.com"),
            ]
        ),
    )
    assert report.ok, report.problem_lines()
    assert (report.new_people, report.updated_people) == (1, 1)
    assert User.objects.filter(email__iexact="mixed@example.com").count() == 1
    again = run(
        cohort,
        csv_bytes(
            [
                person("mixed@example.com"),
                person("b@example.com", manager_email="MIXED@example.com"),
            ]
        ),
    )
    assert again.unchanged_people == 2


def test_a_closed_cohort_takes_no_imports(cohort):
    cohort.status = "closed"
    cohort.save()
    report = run(cohort, csv_bytes([person("a@example.com")]))
    assert not report.ok and "Spring is closed" in report.errors[0]
    assert not User.objects.filter(email="a@example.com").exists()
