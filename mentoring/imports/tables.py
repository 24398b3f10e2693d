"""Turning an uploaded file's bytes into numbered rows of text: CSV (UTF-8, any line ends, with
or without a byte-order mark) or the first sheet of an XLSX workbook. Anything else, or anything
past the bounds of limits.py, is refused with a sentence that says what to do."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from xml.etree import ElementTree

from mentoring.imports.limits import MAX_BYTES, MAX_COLUMNS, FileRefused
from mentoring.imports.workbook import check_archive, read_first_sheet

SAVE_AS_UTF8 = (
    'Save it as "CSV UTF-8 (Comma delimited)" (Excel) or "Text CSV" with the '
    "character set UTF-8 (LibreOffice) and upload it again."
)

Row = tuple[int, list[str]]  # (line as a spreadsheet shows it, cell texts)


def rows_of_text(filename: str, data: bytes, notices: list[str]) -> Iterator[Row]:
    name = filename.lower()
    if len(data) > MAX_BYTES:
        raise FileRefused(
            f"The file is {len(data) / 1024 / 1024:.1f} MB; the limit is 5 MB. "
            "Split it into several files."
        )
    if not data.strip():
        raise FileRefused("The file is empty. It needs a header row and one row per person.")
    is_zip = data.startswith(b"PK\x03\x04")
    if name.endswith((".xlsx", ".xlsm")) or is_zip and name.endswith(".csv"):
        if not is_zip:
            raise FileRefused(
                "The file is named .xlsx but is not an Excel workbook. Save it "
                "again from your spreadsheet program as .xlsx or CSV UTF-8."
            )
        # A workbook renamed .csv is read as what it is.
        return _xlsx_table(data, notices)
    if name.endswith(".ods"):
        raise FileRefused(
            "OpenDocument spreadsheets (.ods) cannot be read. Save the sheet as "
            ".xlsx or as CSV UTF-8."
        )
    if data.startswith(b"\xd0\xcf\x11\xe0") or name.endswith(".xls"):
        raise FileRefused(
            "Old Excel files (.xls) cannot be read. Save the sheet as .xlsx or as CSV UTF-8."
        )
    utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
    # A NUL in the header line means a binary file; one further down is a bad cell, reported
    # on its row like any other control character.
    binary = b"\x00" in data[:4096].split(b"\n", 1)[0] and not utf16
    if not name.endswith((".csv", ".txt")) or is_zip or binary:
        raise FileRefused(
            f"Upload a CSV file (.csv) or an Excel workbook (.xlsx); “{filename}” is neither."
        )
    return _csv_table(data)


def check_container(filename: str, data: bytes) -> None:
    """The checks that cost nothing, for the upload form: a workbook's zip directory."""
    if data.startswith(b"PK\x03\x04") and filename.lower().endswith((".xlsx", ".xlsm", ".csv")):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                check_archive(archive)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
            pass  # said properly when the file is read


def _csv_table(data: bytes) -> Iterator[Row]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileRefused(
            "The file is saved as UTF-16 (“Unicode text”), not UTF-8. " + SAVE_AS_UTF8
        )
    try:
        text = data.decode("utf-8-sig")  # a byte-order mark is fine and dropped
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FileRefused(
            f"The file is not UTF-8 text (the first unreadable character is on "
            f"line {line}). {SAVE_AS_UTF8}"
        ) from None
    first_line = text.split("\n", 1)[0]
    # Spreadsheets set to some European locales save with ';' or tabs between columns.
    delimiter = ","
    if "," not in first_line:
        delimiter = "\t" if "\t" in first_line else ";" if ";" in first_line else ","
    # newline="" lets the csv module handle CRLF, LF and line breaks inside quoted cells.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    try:
        for line, cells in enumerate(reader, start=1):
            if len(cells) > MAX_COLUMNS and any(cell.strip() for cell in cells[MAX_COLUMNS:]):
                raise FileRefused(
                    f"Line {line} has {len(cells)} columns; the import reads at most "
                    f"{MAX_COLUMNS}. Delete the columns to the right of the staff list."
                )
            yield line, cells[:MAX_COLUMNS]
    except csv.Error as exc:
        raise FileRefused(
            f"The CSV file cannot be read after line {reader.line_num}: {exc}. "
            "Check that quotes are balanced."
        ) from None


def _xlsx_table(data: bytes, notices: list[str]) -> Iterator[Row]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise FileRefused(
            "The workbook cannot be opened (it is not a valid .xlsx). Save it "
            "again as .xlsx or as CSV UTF-8."
        ) from None
    with archive:
        try:
            yield from read_first_sheet(archive, notices)
        except FileRefused:
            raise
        except ElementTree.ParseError as exc:
            raise FileRefused(
                f"The workbook cannot be read: its XML is broken ({exc}). Save it again as "
                ".xlsx or as CSV UTF-8."
            ) from None
        except Exception:  # a damaged zip raises many kinds (CRC, encryption, sizes)
            raise FileRefused(
                "The workbook cannot be read to the end. Save it again as .xlsx or as CSV UTF-8."
            ) from None
