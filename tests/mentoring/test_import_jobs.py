"""Import jobs: the upload only queues work; the page follows the worker with htmx; hostile
workbooks are refused without importing anything; a job whose worker died fails with a retry."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from mentoring.imports import jobs, workbook
from mentoring.imports.models import ImportJob
from mentoring.imports.tasks import fail_stale_jobs, run_import_job
from tests.mentoring.files.bombs import header_row, repeated
from tests.mentoring.files.bombs import workbook as bomb
from tests.mentoring.files.staff import csv_bytes, person
from tests.mentoring.files.worker import worker  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def upload(client, cohort, data: bytes, filename: str = "staff.csv"):
    return client.post(
        reverse("mentoring:imports:upload", args=[cohort.slug]),
        {"staff_file": SimpleUploadedFile(filename, data)},
    )


def good_file() -> bytes:
    return csv_bytes([person("new.one@example.com"), person("b@example.com", side="senior")])


def test_the_upload_queues_a_job_and_its_page_polls_until_the_worker_is_done(
    cast,
    login,
    worker,  # noqa: F811 - the fixture
):
    client = login(cast.hr)
    worker.held = True
    response = upload(client, cast.cohort, good_file())
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.QUEUED and job.created_by == cast.hr
    page = client.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 1s"' in page and f'hx-get="{response["Location"]}"' in page
    assert "Checking staff.csv" in page and ">Refresh</a>" in page  # works without JavaScript
    fragment = client.get(response["Location"], headers={"HX-Request": "true"})
    assert fragment.content.decode().lstrip().startswith('<div id="import-progress"')
    assert "<html" not in fragment.content.decode()

    worker.run()
    assert client.get(response["Location"], headers={"HX-Request": "true"})["HX-Refresh"]
    preview = client.get(response["Location"]).content.decode()
    assert "2</span> new" in preview and "every 1s" not in preview
    assert not User.objects.filter(email="new.one@example.com").exists()


def test_the_commit_is_a_job_too_and_a_second_click_imports_nothing_more(
    cast,
    login,
    worker,  # noqa: F811 - the fixture
):
    client = login(cast.hr)
    location = upload(client, cast.cohort, good_file())["Location"]
    token = location.rstrip("/").rsplit("/", 1)[1]
    worker.held = True
    commit = reverse("mentoring:imports:commit", args=[cast.cohort.slug, token])
    client.post(commit)
    client.post(commit)  # a double click
    assert "Importing staff.csv" in client.get(location).content.decode()
    worker.run()
    done = client.get(location, follow=True)
    assert done.redirect_chain[-1][0] == cast.cohort.get_absolute_url()
    assert "Imported 2 people into Autumn: 2 new" in done.content.decode()
    assert User.objects.filter(email="new.one@example.com").count() == 1


def test_a_workbook_that_unpacks_to_100_mb_is_refused_by_the_upload_at_once(cast, login):
    data = bomb(
        [
            header_row(),
            '<row r="2">',
            *repeated('<c t="inlineStr"><is><t>x</t></is></c>', 2_600_000),
            "</row>",
        ]
    )
    response = upload(login(cast.hr), cast.cohort, data, "staff.xlsx")
    assert response.status_code == 200
    assert "The workbook unpacks to 94 MB; the limit is 50 MB." in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_huge_shared_string_table_is_refused_by_the_worker_and_imports_nothing(
    cast,
    login,
    monkeypatch,
    worker,  # noqa: F811 - the fixture
):
    monkeypatch.setattr(workbook, "MAX_SHARED_STRINGS", 10_000)  # the real bound is 400,000
    rows = "".join(
        f'<row r="{n}"><c r="A{n}" t="s"><v>{n}</v></c><c r="B{n}" t="s"><v>1</v></c></row>'
        for n in range(2, 50)
    )
    data = bomb(
        [header_row(), rows], shared_strings=repeated("<si><t>x@example.com</t></si>", 1_500_000)
    )
    assert len(data) < 200_000
    client = login(cast.hr)
    response = upload(client, cast.cohort, data, "staff.xlsx")
    page = client.get(response["Location"]).content.decode()
    assert "Nothing was imported from staff.xlsx" in page
    assert "shared string table holds more than 10,000 texts, the limit" in page
    assert User.objects.count() == 5  # the cast only


def test_a_nul_byte_deep_in_a_csv_is_a_row_error_on_the_page(
    cast,
    login,
    worker,  # noqa: F811 - the fixture
):
    people = [person(f"p{i}@example.com") for i in range(80)]
    people.append(person("z@example.com", full_name="Zed\x00"))
    client = login(cast.hr)
    response = upload(client, cast.cohort, csv_bytes(people))
    page = client.get(response["Location"]).content.decode()
    assert (
        "<td>82</td><td>z@example.com</td><td>full_name contains an invisible control "
        "character (NUL (U+0000)); remove it.</td>"
    ) in page
    assert not User.objects.filter(email="p1@example.com").exists()


def test_a_job_whose_worker_died_is_failed_and_can_be_retried(
    cast,
    login,
    worker,  # noqa: F811 - the fixture
):
    client = login(cast.hr)
    worker.held = True
    location = upload(client, cast.cohort, good_file())["Location"]
    worker.queued.clear()  # the worker took it and died
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportJob.State.RUNNING, updated_at=timezone.now() - timedelta(minutes=6)
    )
    page = client.get(location).content.decode()
    assert "The import stopped: no worker finished it. Nothing was imported; try again." in page
    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED

    worker.held = False
    client.post(reverse("mentoring:imports:retry", args=[cast.cohort.slug, job.token]))
    assert "2</span> new" in client.get(location).content.decode()


def test_an_unexpected_error_in_the_worker_fails_the_job_with_a_retry(
    cast,
    login,
    monkeypatch,
    worker,  # noqa: F811 - the fixture
):
    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(jobs, "import_preview", broken)
    client = login(cast.hr)
    location = upload(client, cast.cohort, good_file())["Location"]
    page = client.get(location).content.decode()
    assert "The import failed unexpectedly. Nothing was imported; try again." in page
    assert "database went away" not in page
    assert "Try again" in page


def test_a_worker_with_an_outdated_attempt_leaves_the_job_alone(
    cast,
    login,
    worker,  # noqa: F811 - the fixture
):
    client = login(cast.hr)
    worker.held = True
    upload(client, cast.cohort, good_file())
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(attempt=2)  # re-queued since
    run_import_job(job.pk, 1)
    job.refresh_from_db()
    assert job.state == ImportJob.State.QUEUED and job.report is None


def test_only_the_uploader_sees_a_job_or_acts_on_it(
    cast,
    login,
    worker,  # noqa: F811 - the fixture
):
    from django.test import Client

    from tests import factories

    location = upload(login(cast.hr), cast.cohort, good_file())["Location"]
    token = location.rstrip("/").rsplit("/", 1)[1]
    other = Client()
    other.force_login(factories.hr_admin(email="hr2@example.com"))
    assert other.get(location).status_code == 404
    for name in ("commit", "retry"):
        url = reverse(f"mentoring:imports:{name}", args=[cast.cohort.slug, token])
        assert other.post(url).status_code == 404
    assert not User.objects.filter(email="new.one@example.com").exists()


def test_beat_fails_a_job_whose_worker_died_even_if_nobody_looks(
    cast,
    login,
    worker,  # noqa: F811 - the fixture
):
    client = login(cast.hr)
    worker.held = True
    for _ in range(3):
        upload(client, cast.cohort, good_file())
    dead, waiting, alive = ImportJob.objects.order_by("pk")
    six_minutes_ago = timezone.now() - timedelta(minutes=6)
    ImportJob.objects.filter(pk=dead.pk).update(state="running", updated_at=six_minutes_ago)
    ImportJob.objects.filter(pk=waiting.pk).update(updated_at=six_minutes_ago)  # never taken
    ImportJob.objects.filter(pk=alive.pk).update(state="running")  # reported just now

    assert fail_stale_jobs() == 2

    states = dict(ImportJob.objects.values_list("pk", "state"))
    assert (states[dead.pk], states[waiting.pk], states[alive.pk]) == (
        "failed",
        "failed",
        "running",
    )
    dead.refresh_from_db()
    assert dead.error == jobs.STALE_ERROR and dead.finished_at
    # A worker that was only slow finds its job failed and writes nothing more.
    run_import_job(dead.pk, dead.attempt)
    dead.refresh_from_db()
    assert dead.state == "failed" and dead.report is None
