"""Reading a staff file: every cell checked, every bad row reported by its spreadsheet line."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mentoring.imports import parse, workbook
from mentoring.imports.parse import read_staff_file
from tests.mentoring.files.staff import csv_bytes, person, xlsx_bytes


def read(data: bytes, filename: str = "staff.csv"):
    return read_staff_file(filename, data, default_timezone="Europe/London")


def reasons(staff_file) -> dict[int, str]:
    return {problem.line: problem.reason for problem in staff_file.problems}


def test_it_reads_a_good_file_into_rows_with_defaults():
    staff = read(
        csv_bytes(
            [
                person(
                    "Asha@Example.com",
                    side="JUNIOR",
                    capacity="",
                    timezone="",
                    grade="",
                    teaches="TikTok:3;  data   Visualisation ; Excel:1",
                    wants_to_learn="",
                ),
                person("rob@example.com", side="Senior", capacity="2", timezone="america/new_york"),
            ]
        )
    )
    assert staff.is_valid, staff.problems
    asha, rob = staff.rows
    assert asha.email == "asha@example.com" and asha.side == "junior" and asha.line == 2
    assert asha.capacity == 1 and asha.timezone == "Europe/London" and asha.grade is None
    assert [(c.name, c.key, c.level) for c in asha.teaches] == [
        ("TikTok", "tiktok", 3),
        ("data Visualisation", "data visualisation", 2),
        ("Excel", "excel", 1),
    ]
    assert asha.wants_to_learn == ()
    assert rob.side == "senior" and rob.capacity == 2 and rob.timezone == "America/New_York"
    assert rob.line == 3 and rob.grade == 2


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"email": ""}, "email is empty"),
        ({"email": "not-an-address"}, "is not an email address"),
        ({"full_name": ""}, "full_name is empty"),
        ({"side": "mentor"}, "side must be junior or senior"),
        ({"side": ""}, "side is empty"),
        ({"capacity": "0"}, "capacity must be a whole number from 1"),
        ({"capacity": "-1"}, "capacity must be a whole number from 1"),
        ({"capacity": "two"}, "capacity must be a whole number from 1"),
        ({"capacity": "1.5"}, "capacity must be a whole number from 1"),
        ({"timezone": "Mars/Olympus"}, "is not an IANA time zone name"),
        ({"grade": "senior"}, "grade must be a whole number"),
        ({"grade": "99999999999"}, "grade must be a whole number"),
        ({"teaches": "TikTok:4"}, "the level of “TikTok” must be 1, 2 or 3, not “4”"),
        ({"teaches": "TikTok:0"}, "must be 1, 2 or 3"),
        ({"wants_to_learn": "Negotiation:high"}, "the priority of “Negotiation” must be 1, 2 or 3"),
        ({"teaches": ":2"}, "has no skill name"),
        ({"manager_email": "boss-at-example"}, "manager_email “boss-at-example” is not an email"),
        ({"manager_email": "ME@example.com"}, "nobody is their own manager"),
        ({"full_name": "x" * 201}, "full_name is longer than 200"),
    ],
)
def test_it_reports_a_bad_cell_with_its_line_and_keeps_no_rows(fields, expected):
    staff = read(csv_bytes([person("ok@example.com"), person("me@example.com", **fields)]))
    assert not staff.is_valid
    assert list(reasons(staff)) == [3]
    assert expected in reasons(staff)[3]


def test_it_reports_every_bad_row_not_just_the_first():
    staff = read(
        csv_bytes(
            [
                person("a@example.com", side="boss"),
                person("b@example.com"),
                person("c@example.com", capacity="0", timezone="Nowhere/Land"),
            ]
        )
    )
    assert sorted({p.line for p in staff.problems}) == [2, 4]
    assert len([p for p in staff.problems if p.line == 4]) == 2
    assert [p.email for p in staff.problems][0] == "a@example.com"


def test_it_reports_duplicate_emails_ignoring_case_with_the_first_line():
    staff = read(
        csv_bytes([person("a@example.com"), person("b@example.com"), person("A@Example.COM")])
    )
    assert reasons(staff) == {4: "a@example.com appears twice in the file (first on line 2)."}


def test_line_numbers_count_blank_rows_as_a_spreadsheet_shows_them():
    data = (
        csv_bytes([person("a@example.com")])
        + b"\n\n"
        + csv_bytes([person("b@example.com", side="x")]).split(b"\n", 1)[1]
    )
    staff = read(data)
    assert list(reasons(staff)) == [5]


def test_missing_required_columns_are_named():
    columns = tuple(c for c in parse.ALL_COLUMNS if c not in ("side", "timezone"))
    staff = read(csv_bytes([person("a@example.com")], columns=columns))
    assert staff.errors and "lacks the required columns side, timezone" in staff.errors[0]
    assert not staff.rows and not staff.problems


def test_optional_columns_may_be_left_out_and_unknown_ones_are_noted():
    columns = (*parse.REQUIRED_COLUMNS, "favourite_colour")
    staff = read(csv_bytes([person("a@example.com", favourite_colour="blue")], columns=columns))
    assert staff.is_valid
    assert staff.columns == frozenset(parse.REQUIRED_COLUMNS)
    assert "favourite_colour" in staff.notices[0]


def test_header_names_ignore_case_and_spaces():
    data = csv_bytes([person("a@example.com")]).replace(
        b"email,full_name", b" Email , FULL_NAME", 1
    )
    assert read(data).is_valid


def test_a_byte_order_mark_is_accepted():
    staff = read(csv_bytes([person("a@example.com")], bom=True))
    assert staff.is_valid and staff.rows[0].email == "a@example.com"


def test_crlf_line_ends_are_accepted_and_leave_no_stray_characters():
    staff = read(csv_bytes([person("a@example.com", timezone="Europe/Paris")], newline="\r\n"))
    assert staff.is_valid and staff.rows[0].timezone == "Europe/Paris"
    assert staff.rows[0].employee_id == ""


def test_a_semicolon_separated_csv_from_a_european_excel_is_read():
    data = csv_bytes([person("a@example.com", teaches="TikTok:3")]).replace(b",", b";")
    staff = read(data)
    assert staff.is_valid, staff.errors or staff.problems


def test_a_file_that_is_not_utf8_is_refused_with_advice():
    data = csv_bytes([person("a@example.com", full_name="José Müller")]).decode().encode("cp1252")
    staff = read(data)
    assert not staff.rows
    assert "not UTF-8" in staff.errors[0] and "line 2" in staff.errors[0]
    assert "CSV UTF-8" in staff.errors[0]


def test_a_utf16_file_is_refused_with_advice():
    staff = read(csv_bytes([person("a@example.com")]).decode().encode("utf-16"))
    assert "UTF-16" in staff.errors[0] and "UTF-8" in staff.errors[0]


@pytest.mark.parametrize("data", [b"", b"   \n\n", b"\xef\xbb\xbf"])
def test_an_empty_file_is_refused(data):
    assert "empty" in read(data).errors[0]


def test_a_header_without_people_is_refused():
    assert "no people" in read(csv_bytes([])).errors[0]


@pytest.mark.parametrize(
    ("filename", "data"),
    [
        ("photo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
        ("notes.pdf", b"%PDF-1.7 email,full_name"),
        ("staff.docx.csv", b"\x00\x01\x02binary"),
        ("staff.docx", b"PK\x03\x04word document"),
    ],
)
def test_a_file_that_is_not_csv_or_xlsx_is_refused(filename, data):
    staff = read(data, filename)
    assert "CSV file (.csv) or an Excel workbook (.xlsx)" in staff.errors[0]


def test_a_workbook_renamed_to_csv_is_read_as_a_workbook():
    assert read(xlsx_bytes([person("a@example.com")]), "staff.csv").is_valid


def test_an_old_xls_ods_or_broken_xlsx_is_refused():
    assert ".ods" in read(b"PK\x03\x04whatever", "staff.ods").errors[0]
    assert ".xls" in read(b"\xd0\xcf\x11\xe0junk", "old.xls").errors[0]
    assert "not an Excel workbook" in read(b"email,full_name", "x.xlsx").errors[0]
    assert "cannot be opened" in read(b"PK\x03\x04broken", "x.xlsx").errors[0]


def test_a_file_over_5_mb_is_refused_before_reading(monkeypatch):
    staff = read(b"email," + b"x" * (5 * 1024 * 1024))
    assert "the limit is 5 MB" in staff.errors[0]


def test_a_file_over_20000_people_is_refused(monkeypatch):
    monkeypatch.setattr(parse, "MAX_ROWS", 3)
    staff = read(csv_bytes([person(f"p{i}@example.com") for i in range(4)]))
    assert "more than 3 people" in staff.errors[0]
    assert read(csv_bytes([person(f"p{i}@example.com") for i in range(3)])).is_valid


def test_formula_like_cells_are_kept_as_text():
    staff = read(
        csv_bytes(
            [
                person(
                    "a@example.com",
                    full_name='=HYPERLINK("http://x")',
                    job_title="+44 Lead",
                    department="-Ops",
                    location="@home",
                    teaches="=cmd|' /C calc'!A0:3",
                )
            ]
        )
    )
    assert staff.is_valid, staff.problems
    row = staff.rows[0]
    assert row.full_name == '=HYPERLINK("http://x")'
    assert (row.job_title, row.department, row.location) == ("+44 Lead", "-Ops", "@home")
    assert row.teaches[0].name == "=cmd|' /C calc'!A0" and row.teaches[0].level == 3


def test_the_quote_an_export_puts_before_a_formula_is_taken_off_again():
    staff = read(csv_bytes([person("a@example.com", full_name="'=1+1", department="'O'Neil")]))
    assert staff.rows[0].full_name == "=1+1"
    assert staff.rows[0].department == "'O'Neil"


def test_the_same_skill_twice_in_a_cell_keeps_its_highest_level():
    staff = read(csv_bytes([person("a@example.com", teaches="TikTok:1; tiktok:3; TIKTOK")]))
    assert [(c.key, c.level) for c in staff.rows[0].teaches] == [("tiktok", 3)]


def test_an_xlsx_file_is_read_like_a_csv_with_numbers_as_numbers():
    staff = read(
        xlsx_bytes(
            [
                person("a@example.com", capacity="2", grade="7"),
                person("b@example.com", side="senior"),
            ]
        ),
        "staff.xlsx",
    )
    assert staff.is_valid, staff.errors or staff.problems
    assert staff.rows[0].capacity == 2 and staff.rows[0].grade == 7
    assert staff.rows[1].side == "senior" and staff.rows[1].line == 3
    assert staff.notices == []


def test_an_xlsx_file_reports_bad_rows_by_their_sheet_line():
    staff = read(
        xlsx_bytes([person("a@example.com"), person("b@example.com", capacity="0")]), "staff.xlsx"
    )
    assert list(reasons(staff)) == [3]


def test_a_workbook_with_several_sheets_uses_the_first_and_says_so():
    staff = read(xlsx_bytes([person("a@example.com")], extra_sheets=2), "staff.xlsx")
    assert staff.is_valid
    assert staff.notices == ["The workbook has 3 sheets; only the first, “Staff”, was read."]


def test_an_xlsx_formula_cell_is_kept_as_its_text():
    import io

    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(list(parse.ALL_COLUMNS))
    row = person("a@example.com")
    row["full_name"] = "=1+1"
    workbook.active.append([row[c] or None for c in parse.ALL_COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    staff = read(buffer.getvalue(), "staff.xlsx")
    assert staff.rows[0].full_name == "=1+1"


def test_a_workbook_that_unpacks_to_something_huge_is_refused(monkeypatch):
    monkeypatch.setattr(workbook, "MAX_UNPACKED_BYTES", 1000)
    staff = read(xlsx_bytes([person("a@example.com")]), "staff.xlsx")
    assert "unpacks to" in staff.errors[0] and "the limit" in staff.errors[0]


@settings(max_examples=150, deadline=None)
@given(data=st.binary(max_size=3000), filename=st.sampled_from(["s.csv", "s.xlsx", "s", "s.txt"]))
def test_any_bytes_are_read_or_refused_never_raised(data, filename):
    staff = read(data, filename)
    assert staff.errors or staff.rows or staff.problems


@settings(max_examples=150, deadline=None)
@given(cells=st.lists(st.lists(st.text(max_size=40), min_size=1, max_size=14), max_size=6))
def test_any_text_under_the_right_header_is_read_or_reported(cells):
    lines = [",".join(parse.ALL_COLUMNS)] + [
        ",".join(c.replace("\x00", "") for c in row) for row in cells
    ]
    staff = read("\n".join(lines).encode("utf-8", "surrogatepass"))
    for problem in staff.problems:
        assert problem.line >= 2 and problem.reason
    for row in staff.rows:  # whatever got through is what the models accept
        assert "@" in row.email and row.email == row.email.lower() and row.full_name
        assert row.side in parse.SIDES and 1 <= row.capacity <= parse.MAX_CAPACITY
        assert all(1 <= claim.level <= 3 and claim.key for claim in row.teaches)


def test_skills_separated_by_commas_are_imported_as_written_with_a_notice():
    staff = read(
        csv_bytes([person("a@example.com"), person("b@example.com", teaches="TikTok, Excel:2")])
    )
    assert staff.is_valid
    assert [c.name for c in staff.rows[1].teaches] == ["TikTok, Excel"]
    assert staff.notices == [
        "Skill names with a comma on line 3: skills are separated by “;”, so “TikTok, Excel” "
        "is one skill. Check the new skills before importing."
    ]
