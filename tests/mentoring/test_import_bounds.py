"""Hostile staff files are refused early, with a message that names the bound they crossed,
and whatever a file holds, no control character reaches a person's record."""

from __future__ import annotations

import time

import pytest

from mentoring.imports import limits, parse, workbook
from mentoring.imports.parse import read_staff_file
from tests.mentoring.files.bombs import header_row, repeated
from tests.mentoring.files.bombs import workbook as bomb
from tests.mentoring.files.staff import csv_bytes, person, xlsx_bytes

INLINE_CELL = '<c t="inlineStr"><is><t>x</t></is></c>'


def read(data: bytes, filename: str = "staff.xlsx"):
    started = time.perf_counter()
    staff = read_staff_file(filename, data, default_timezone="Europe/London")
    return staff, time.perf_counter() - started


def test_a_workbook_that_unpacks_to_100_mb_is_refused_from_its_directory_at_once():
    # 2.6 million inline cells: about 100 MB of XML in a file of a few hundred KB.
    data = bomb([header_row(), '<row r="2">', *repeated(INLINE_CELL, 2_600_000), "</row>"])
    assert len(data) < 400_000
    staff, seconds = read(data)
    assert staff.errors == [
        "The workbook unpacks to 94 MB; the limit is 50 MB. "
        "Save the staff sheet alone as CSV UTF-8 and upload that."
    ]
    assert not staff.rows and not staff.problems
    assert seconds < 1


def test_a_huge_shared_string_table_is_refused_from_its_directory_at_once():
    data = bomb([header_row()], shared_strings=repeated("<si><t>x</t></si>", 5_800_000))
    staff, seconds = read(data)
    assert "unpacks to" in staff.errors[0] and "the limit is 50 MB" in staff.errors[0]
    assert seconds < 1


@pytest.fixture
def unpacked(monkeypatch) -> list[int]:
    """The bytes the reader unpacks, chunk by chunk: a refusal "while streaming" stops after a
    few chunks of a part many megabytes long. Counted, not timed: the machine may be busy."""
    chunks: list[int] = []
    spend = workbook._Budget.spend

    def counting(self, amount: int) -> None:
        chunks.append(amount)
        spend(self, amount)

    monkeypatch.setattr(workbook._Budget, "spend", counting)
    return chunks


def test_a_shared_string_table_past_its_count_is_refused_while_streaming(monkeypatch, unpacked):
    # Under the size bound, the string count stops the read (the real bound is 400,000).
    monkeypatch.setattr(workbook, "MAX_SHARED_STRINGS", 1_000)
    data = bomb([header_row()], shared_strings=repeated("<si><t>x</t></si>", 2_000_000))
    staff, _seconds = read(data)
    assert staff.errors == [
        "The workbook's shared string table holds more than 1,000 texts, the limit. "
        "Save the staff sheet alone as CSV UTF-8 and upload that."
    ]
    # 2 million strings are 34 MB of XML; the read stopped within the first megabyte.
    assert sum(unpacked) < 1_000_000


def test_a_shared_string_table_past_its_size_is_refused(monkeypatch):
    monkeypatch.setattr(workbook, "MAX_SHARED_STRING_CHARACTERS", 2_000_000)
    data = bomb([header_row()], shared_strings=repeated(f"<si><t>{'x' * 1000}</t></si>", 5_000))
    staff, _seconds = read(data)
    assert "more than 2 million characters, the limit" in staff.errors[0]


def test_a_sheet_past_its_cell_count_is_refused_while_streaming(monkeypatch, unpacked):
    monkeypatch.setattr(workbook, "MAX_CELLS", 5_000)
    rows = (f'<row r="{line}">' + "<c/>" * 10 + "</row>" for line in range(2, 200_000))
    staff, _seconds = read(bomb([header_row(), *rows]))
    assert staff.errors == [
        "The sheet has more than 5,000 cells, the limit. "
        "Save the staff sheet alone as CSV UTF-8 and upload that."
    ]
    # 200,000 rows are 12 MB of XML; the read stopped within the first megabyte.
    assert sum(unpacked) < 1_000_000


def test_the_real_cell_bound_stops_a_million_cells_in_a_few_seconds():
    # Empty cells in one row: the worst case for a streaming reader.
    data = bomb([header_row(), '<row r="2">', *repeated("<c/>", 1_000_000), "</row>"])
    assert len(data) < 100_000
    staff, seconds = read(data)
    assert staff.errors[0].startswith(f"The sheet has more than {limits.MAX_CELLS:,} cells")
    assert seconds < 15  # 30 s and 1.9 GB before, on a machine shared by other work


def test_a_sheet_with_too_many_rows_is_refused():
    staff, _seconds = read(bomb([header_row(), *repeated("<row/>", 100_000)]))
    assert staff.errors[0].startswith("The sheet has more than 30,000 rows (empty ones included)")


def test_a_value_right_of_column_30_is_refused_naming_the_column():
    row = '<row r="7"><c r="AE7" t="inlineStr"><is><t>surprise</t></is></c></row>'
    staff, _seconds = read(bomb([header_row(), row]))
    assert staff.errors == [
        "Line 7 has a value in column AE; the import reads at most 30 columns (A to AD). "
        "Delete the columns to the right of the staff list."
    ]


def test_a_workbook_part_with_a_dtd_is_refused():
    staff, _seconds = read(bomb([header_row()], prolog='<!DOCTYPE x [<!ENTITY a "aaaa">]>'))
    assert staff.errors[0].startswith("The workbook contains a DTD")


def test_a_workbook_with_too_many_parts_is_refused():
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for i in range(limits.MAX_ZIP_ENTRIES + 1):
            archive.writestr(f"x/{i}", b"")
    staff, _seconds = read(buffer.getvalue())
    assert staff.errors[0] == (
        "The workbook holds 501 parts; the limit is 500. "
        "Save the staff sheet alone as CSV UTF-8 and upload that."
    )


def test_a_csv_with_a_value_right_of_column_30_is_refused():
    data = csv_bytes([person("a@example.com")]) + b"b@example.com" + b"," * 31 + b"x\n"
    staff, _seconds = read(data, "staff.csv")
    assert staff.errors == [
        "Line 3 has 32 columns; the import reads at most 30. "
        "Delete the columns to the right of the staff list."
    ]


def test_a_csv_with_empty_columns_far_right_is_read():
    data = csv_bytes([person("a@example.com")]).replace(b"\n", b"," * 40 + b"\n")
    staff, _seconds = read(data, "staff.csv")
    assert staff.is_valid and staff.rows[0].email == "a@example.com"


def test_a_csv_of_more_people_than_the_limit_is_refused_naming_it(monkeypatch):
    monkeypatch.setattr(parse, "MAX_ROWS", 20)
    data = csv_bytes([person(f"p{i}@example.com") for i in range(21)])
    staff, _seconds = read(data, "staff.csv")
    assert staff.errors == [
        "The file has more than 20 people, the limit; split it into several files."
    ]


# --- control characters -------------------------------------------------------------------


def test_a_nul_byte_after_the_first_4_kb_of_a_csv_is_a_row_error_with_line_and_column():
    people = [person(f"p{i}@example.com") for i in range(100)]
    people.append(person("nul@example.com", full_name="Nul\x00Person"))
    data = csv_bytes(people)
    assert data.index(b"\x00") > 4096
    staff, _seconds = read(data, "staff.csv")
    assert [(p.line, p.email, p.reason) for p in staff.problems] == [
        (
            102,
            "nul@example.com",
            "full_name contains an invisible control character (NUL (U+0000)); remove it.",
        )
    ]
    assert not staff.is_valid


@pytest.mark.parametrize(
    ("column", "value", "named"),
    [
        ("full_name", "Ann\nLee", "a line break (U+000A)"),
        ("full_name", "Ann \x1b[31mLee", "ESC (U+001B)"),
        ("full_name", "Ann \u202eeeL", "U+202E RIGHT-TO-LEFT OVERRIDE"),
        ("job_title", "Boss\u2066", "U+2066 LEFT-TO-RIGHT ISOLATE"),
        ("department", "Da\x08ta", "U+0008"),
        ("location", "Lon\x7fdon", "DEL (U+007F)"),
        ("teaches", "Tik\x0bTok:3", "U+000B"),
        ("employee_id", "E\x0001", "NUL (U+0000)"),
    ],
)
def test_a_control_character_in_any_column_is_a_row_error(column, value, named):
    data = csv_bytes([person("a@example.com"), person("b@example.com", **{column: value})])
    staff, _seconds = read(data, "staff.csv")
    assert [(p.line, p.reason) for p in staff.problems] == [
        (3, f"{column} contains an invisible control character ({named}); remove it.")
    ]


def test_a_tab_in_a_cell_is_allowed():
    staff, _seconds = read(
        csv_bytes([person("a@example.com", job_title="Head\tof data")]), "staff.csv"
    )
    assert staff.is_valid and staff.rows[0].job_title == "Head\tof data"


def test_an_escaped_control_character_in_a_workbook_is_a_row_error():
    # Excel writes characters XML cannot hold as _xHHHH_.
    data = xlsx_bytes([person("a@example.com", full_name="Ann_x001B_Lee")])
    staff, _seconds = read(data)
    assert [p.reason for p in staff.problems] == [
        "full_name contains an invisible control character (ESC (U+001B)); remove it."
    ]


def test_a_control_character_in_an_email_is_not_echoed_in_the_report():
    staff, _seconds = read(csv_bytes([person("a\u202e@example.com")]), "staff.csv")
    assert staff.problems and all(p.email == "" for p in staff.problems)
