"""`python manage.py import_participants FILE --cohort SLUG`."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError

from accounts.models import User
from mentoring.models import Cohort, Enrolment, Programme
from tests import factories
from tests.mentoring.files.staff import csv_bytes, person, xlsx_bytes

pytestmark = pytest.mark.django_db


def write(tmp_path, data: bytes, name: str = "staff.csv") -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_participants", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_creates_the_cohort_and_a_programme_when_the_slug_is_new(tmp_path):
    path = write(
        tmp_path, csv_bytes([person("a@example.com"), person("b@example.com", side="senior")])
    )
    out, _ = run(path, "--cohort", "summer-2026")
    cohort = Cohort.objects.get(slug="summer-2026")
    assert cohort.programme.slug == "default"
    assert Enrolment.objects.filter(cohort=cohort).count() == 2
    assert "Imported 2 people into Summer 2026: 2 new, 0 updated, 0 unchanged" in out
    # Again: nothing changes, the same programme is used.
    out, _ = run(path, "--cohort", "summer-2026")
    assert "0 new, 0 updated, 2 unchanged" in out
    assert Programme.objects.filter(slug="default").count() == 1


def test_it_imports_into_an_existing_cohort_from_xlsx(tmp_path):
    cohort = factories.CohortFactory(slug="autumn", name="Autumn")
    path = write(tmp_path, xlsx_bytes([person("a@example.com")], extra_sheets=1), "s.xlsx")
    out, _ = run(path, "--cohort", "autumn")
    assert "only the first" in out and "1 new" in out
    assert Enrolment.objects.filter(cohort=cohort, user__email="a@example.com").exists()


def test_a_bad_file_exits_1_with_the_per_row_report_and_writes_nothing(tmp_path):
    path = write(
        tmp_path,
        csv_bytes(
            [
                person("a@example.com", side="boss"),
                person("b@example.com"),
                person("c@example.com", timezone="Moon/Base"),
            ]
        ),
    )
    with pytest.raises(CommandError) as failure:
        run(path, "--cohort", "brand-new")
    assert failure.value.returncode == 1
    assert "Nothing was imported from staff.csv" in str(failure.value)
    assert not Cohort.objects.filter(slug="brand-new").exists()
    assert not User.objects.filter(email="b@example.com").exists()


def test_the_exit_status_from_the_shell_is_1_and_the_rows_go_to_stderr(tmp_path, capsys):
    path = write(
        tmp_path, csv_bytes([person("a@example.com"), person("b@example.com", capacity="zero")])
    )
    with pytest.raises(SystemExit) as exit_:
        execute_from_command_line(["manage.py", "import_participants", path, "--cohort", "x"])
    assert exit_.value.code == 1
    err = capsys.readouterr().err
    assert "line 3: b@example.com: capacity must be a whole number" in err


def test_a_file_that_cannot_be_read_exits_1(tmp_path, capsys):
    path = write(tmp_path, "email\nJosé\n".encode("cp1252"))
    with pytest.raises(SystemExit) as exit_:
        execute_from_command_line(["manage.py", "import_participants", path, "--cohort", "x"])
    assert exit_.value.code == 1
    assert "not UTF-8" in capsys.readouterr().err


def test_a_missing_file_or_bad_slug_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run(str(tmp_path / "nope.csv"), "--cohort", "x")
    with pytest.raises(CommandError, match="is not a slug"):
        run(write(tmp_path, csv_bytes([person("a@example.com")])), "--cohort", "no spaces")


def test_dry_run_writes_nothing(tmp_path):
    path = write(tmp_path, csv_bytes([person("a@example.com")]))
    out, _ = run(path, "--cohort", "later", "--dry-run")
    assert "Ready to import 1 person" in out
    assert not Cohort.objects.filter(slug="later").exists()
    assert not User.objects.exists()


# manage.py closes every connection when a command fails: on PostgreSQL that ends the
# test's wrapping transaction, so this one runs outside one.
@pytest.mark.django_db(transaction=True)
def test_a_zip_bomb_workbook_exits_1_naming_the_limit_without_a_traceback(tmp_path, capsys):
    from tests.mentoring.files.bombs import header_row, repeated
    from tests.mentoring.files.bombs import workbook as bomb

    data = bomb(
        [
            header_row(),
            '<row r="2">',
            *repeated('<c t="inlineStr"><is><t>x</t></is></c>', 2_600_000),
        ]
        + ["</row>"]
    )
    path = write(tmp_path, data, "staff.xlsx")
    with pytest.raises(SystemExit) as exit_:
        execute_from_command_line(["manage.py", "import_participants", path, "--cohort", "x"])
    assert exit_.value.code == 1
    err = capsys.readouterr().err
    assert "file: The workbook unpacks to 94 MB; the limit is 50 MB." in err
    assert "Traceback" not in err
    assert not Cohort.objects.filter(slug="x").exists()


# manage.py closes every connection when a command fails: on PostgreSQL that ends the
# test's wrapping transaction, so this one runs outside one.
@pytest.mark.django_db(transaction=True)
def test_a_nul_byte_deep_in_a_csv_exits_1_with_its_row_and_stores_nothing(tmp_path, capsys):
    people = [person(f"p{i}@example.com") for i in range(80)]
    people.append(person("z@example.com", job_title="Boss\x00"))
    path = write(tmp_path, csv_bytes(people))
    with pytest.raises(SystemExit) as exit_:
        execute_from_command_line(["manage.py", "import_participants", path, "--cohort", "x"])
    assert exit_.value.code == 1
    err = capsys.readouterr().err
    assert (
        "line 82: z@example.com: job_title contains an invisible control character "
        "(NUL (U+0000)); remove it." in err
    )
    assert "Traceback" not in err
    assert not User.objects.filter(email="p1@example.com").exists()
