"""The staff import pages: upload → preview → commit, for HR only. The checking and the
writing run in a worker (here eagerly, when the request's transaction commits)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts.models import User
from mentoring.models import Enrolment
from tests import factories
from tests.mentoring.files.staff import csv_bytes, person, xlsx_bytes
from tests.mentoring.files.worker import worker  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def url(name: str, cohort, *args) -> str:
    return reverse(f"mentoring:imports:{name}", args=[cohort.slug, *args])


def upload(client: Client, cohort, data: bytes, filename: str = "staff.csv"):
    return client.post(url("upload", cohort), {"staff_file": SimpleUploadedFile(filename, data)})


def upload_and_follow(client: Client, cohort, data: bytes, filename: str = "staff.csv"):
    """The page the upload leads to once the worker has checked the file."""
    response = upload(client, cohort, data, filename)
    assert response.status_code == 302, response.content.decode()[:2000]
    return client.get(response["Location"])


def token_of(response) -> str:
    return response["Location"].rstrip("/").rsplit("/", 1)[1]


def stored_files(settings) -> list[str]:
    folder = settings.VAR_DIR / "imports"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def good_file() -> bytes:
    return csv_bytes(
        [
            person("new.one@example.com", full_name="New One", teaches="Podcasting:3"),
            person("junior@example.com", full_name="Asha Junior", department="Data"),
            person("b@example.com", full_name="Bee", side="senior"),
        ]
    )


def test_the_upload_page_explains_the_columns_and_labels_the_file_input(cast, login):
    page = login(cast.hr).get(url("upload", cast.cohort))
    assert page.status_code == 200
    html = page.content.decode()
    assert '<label for="id_staff_file">' in html
    assert "wants_to_learn" in html and "Name:N" in html and "CSV UTF-8" in html
    assert url("template", cast.cohort) in html and url("export", cast.cohort) in html


def test_upload_preview_commit_imports_the_people(cast, login, settings):
    client = login(cast.hr)
    response = upload(client, cast.cohort, good_file())
    assert response.status_code == 302
    preview = client.get(response["Location"])
    html = preview.content.decode()
    assert preview.status_code == 200
    assert "3</span> people in the file" in html
    assert "2</span> new" in html and "1</span> updated" in html
    assert "Podcasting" in html
    assert "<td>2</td><td>new.one@example.com</td><td>New One</td><td>new to Twoway</td>" in html
    assert (
        "<td>3</td><td>junior@example.com</td><td>Asha Junior</td><td>grade, skills</td>"
    ) in html
    assert not User.objects.filter(email="new.one@example.com").exists()
    assert len(stored_files(settings)) == 1  # kept for the commit

    token = token_of(response)
    done = client.post(url("commit", cast.cohort, token), follow=True)
    assert done.redirect_chain[-1][0] == cast.cohort.get_absolute_url()
    html = done.content.decode()
    assert "Imported 3 people into Autumn: 2 new, 1 updated, 0 unchanged" in html
    assert Enrolment.objects.filter(
        cohort=cast.cohort, user__email="b@example.com", side="senior"
    ).exists()
    assert stored_files(settings) == []
    # The job is spent: committing again imports nothing more and shows the outcome.
    again = client.post(url("commit", cast.cohort, token), follow=True)
    assert "Imported 3 people" in again.content.decode()
    assert User.objects.filter(email="new.one@example.com").count() == 1


def test_a_bad_file_shows_every_bad_row_in_a_table_and_stores_nothing(cast, login, settings):
    client = login(cast.hr)
    response = upload_and_follow(
        client,
        cast.cohort,
        csv_bytes(
            [
                person("a@example.com", side="boss"),
                person("b@example.com"),
                person("c@example.com", capacity="0", manager_email="ghost@example.com"),
            ]
        ),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing was imported from staff.csv" in html
    assert "<td>2</td><td>a@example.com</td><td>side must be junior or senior" in html
    assert "<td>4</td><td>c@example.com</td><td>capacity must be" in html
    assert "manager_email ghost@example.com names nobody" in html
    assert "2 rows need fixing" in html
    assert stored_files(settings) == []
    assert not User.objects.filter(email="b@example.com").exists()


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("staff.csv", "email,full_name\nJosé,x\n".encode("cp1252"), "not UTF-8"),
        ("staff.csv", b"\n\n", "The file is empty"),
        ("staff.pdf", b"%PDF-1.4", "Upload a CSV file (.csv) or an Excel workbook (.xlsx)"),
        ("staff.csv", b"email,side\na@example.com,junior\n", "lacks the required columns"),
    ],
)
def test_a_file_that_cannot_be_read_says_why(cast, login, filename, data, message):
    response = upload_and_follow(login(cast.hr), cast.cohort, data, filename)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_an_empty_upload_is_refused_by_the_form(cast, login):
    response = upload(login(cast.hr), cast.cohort, b"")
    assert response.status_code == 200
    assert "The submitted file is empty." in response.content.decode()


def test_a_file_over_5_mb_is_refused(cast, login, settings):
    response = upload(login(cast.hr), cast.cohort, b"email\n" + b"x" * (5 * 1024 * 1024 + 1))
    assert "the limit is 5 MB" in response.content.decode()
    assert stored_files(settings) == []


def test_an_xlsx_with_several_sheets_previews_with_a_notice(cast, login):
    client = login(cast.hr)
    response = upload(
        client, cast.cohort, xlsx_bytes([person("x@example.com")], extra_sheets=1), "staff.xlsx"
    )
    preview = client.get(response["Location"])
    assert "only the first, “Staff”, was read" in preview.content.decode()


def test_commit_checks_the_file_again(cast, login, settings):
    client = login(cast.hr)
    response = upload(
        client, cast.cohort, csv_bytes([person("a@example.com", manager_email="boss@example.com")])
    )
    token = token_of(response)
    cast.manager.delete()  # boss@example.com leaves between preview and commit
    done = client.post(url("commit", cast.cohort, token), follow=True)
    assert done.status_code == 200
    assert "names nobody" in done.content.decode()
    assert not User.objects.filter(email="a@example.com").exists()
    assert stored_files(settings) == []


def test_another_persons_token_is_refused(cast, login):
    client = login(cast.hr)
    response = upload(client, cast.cohort, good_file())
    token = token_of(response)
    other_hr = factories.hr_admin(email="hr2@example.com")
    other = Client()
    other.force_login(other_hr)
    assert other.get(url("preview", cast.cohort, token)).status_code == 404
    assert other.post(url("commit", cast.cohort, token)).status_code == 404
    assert not User.objects.filter(email="new.one@example.com").exists()


def test_a_token_is_tied_to_its_cohort(cast, login):
    client = login(cast.hr)
    response = upload(client, cast.cohort, good_file())
    token = token_of(response)
    elsewhere = factories.CohortFactory()
    assert client.get(url("preview", elsewhere, token)).status_code == 404
    assert client.post(url("commit", elsewhere, token)).status_code == 404


@pytest.mark.parametrize("token", ["../../etc/passwd", "x" * 32, "short"])
def test_made_up_tokens_are_refused(cast, login, token):
    client = login(cast.hr)
    assert client.get(f"/cohorts/{cast.cohort.slug}/import/{token}/").status_code == 404


def test_commit_needs_post(cast, login):
    client = login(cast.hr)
    response = upload(client, cast.cohort, good_file())
    token = token_of(response)
    assert client.get(url("commit", cast.cohort, token)).status_code == 405


@pytest.mark.parametrize("name", ["upload", "template", "export"])
def test_only_hr_may_import_or_export(cast, login, name):
    for someone in (cast.manager, cast.junior, cast.outsider):
        client = Client()
        client.force_login(someone)
        assert client.get(url(name, cast.cohort)).status_code == 403
    anonymous = Client().get(url(name, cast.cohort))
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_a_participant_cannot_post_an_upload(cast):
    client = Client()
    client.force_login(cast.junior)
    assert upload(client, cast.cohort, good_file()).status_code == 403
    assert not User.objects.filter(email="new.one@example.com").exists()


@pytest.mark.parametrize("path", ["", "template.csv", "export.csv", "x" * 32 + "/"])
def test_an_unknown_cohort_is_404(cast, login, path):
    assert login(cast.hr).get(f"/cohorts/no-such-cohort/import/{path}").status_code == 404


def test_the_template_download_has_the_header_and_two_examples(cast, login):
    response = login(cast.hr).get(url("template", cast.cohort))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith(
        "email,full_name,side,job_title,department,location,"
        "manager_email,teaches,wants_to_learn,capacity,timezone"
    )
    assert len(lines) == 3


def test_the_export_download_reimports_unchanged_through_the_pages(cast, login):
    client = login(cast.hr)
    exported = client.get(url("export", cast.cohort)).content
    assert b"junior@example.com" in exported and b"senior@example.com" in exported
    response = upload(client, cast.cohort, exported, "twoway-autumn-staff.csv")
    preview = client.get(response["Location"]).content.decode()
    assert "0</span> new" in preview and "0</span> updated" in preview
    assert "2</span> unchanged" in preview


@pytest.mark.parametrize(
    ("filename", "data"),
    [
        (
            "staff.xlsx",
            xlsx_bytes(
                [person("x@example.com", capacity="2"), person("y@example.com", side="senior")]
            ),
        ),
        (
            "staff.csv",
            csv_bytes(
                [person("x@example.com", capacity="2"), person("y@example.com", side="senior")],
                bom=True,
                newline="\r\n",
            ),
        ),
    ],
)
def test_xlsx_and_excel_style_csv_files_import_through_the_pages(cast, login, filename, data):
    client = login(cast.hr)
    response = upload(client, cast.cohort, data, filename)
    assert response.status_code == 302, response.content.decode()[:2000]
    token = token_of(response)
    client.post(url("commit", cast.cohort, token))
    enrolments = dict(
        Enrolment.objects.filter(
            cohort=cast.cohort, user__email__in=["x@example.com", "y@example.com"]
        ).values_list("user__email", "capacity")
    )
    assert enrolments == {"x@example.com": 2, "y@example.com": 1}
    assert User.objects.get(email="y@example.com").profile.timezone == "Europe/London"


@pytest.mark.parametrize("people", [5, 300])
def test_the_preview_and_commit_run_a_bounded_number_of_queries(
    cast,
    login,
    people,
    django_assert_max_num_queries,
    worker,  # noqa: F811 - the fixture
):
    client = login(cast.hr)
    data = csv_bytes(
        [
            person(f"p{i}@example.com", manager_email="p0@example.com" if i else "")
            for i in range(people)
        ]
    )
    worker.held = True  # the pages are measured, not the worker's bulk queries
    with django_assert_max_num_queries(25):
        response = upload(client, cast.cohort, data)
    worker.run()
    with django_assert_max_num_queries(25):
        assert client.get(response["Location"]).status_code == 200
    with django_assert_max_num_queries(25):
        assert client.post(url("commit", cast.cohort, token_of(response))).status_code == 302
    worker.run()
    with django_assert_max_num_queries(25):
        done = client.get(response["Location"])
    assert done["Location"] == cast.cohort.get_absolute_url()
    assert Enrolment.objects.filter(cohort=cast.cohort).count() == people + 2
