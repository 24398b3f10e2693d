"""Turning an uploaded file's bytes into rows of text: CSV (UTF-8, any line ends, with or
without a byte-order mark) or the first sheet of an XLSX workbook. Anything else is refused
with a sentence that says what to do."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator

MAX_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
SAVE_AS_UTF8 = (
    'Save it as "CSV UTF-8 (Comma delimited)" (Excel) or "Text CSV" with the '
    "character set UTF-8 (LibreOffice) and upload it again."
)


class FileRefused(Exception):
    """The file as a whole cannot be read; the message says why and what to do."""


def rows_of_text(
    filename: str, data: bytes, notices: list[str], *, max_columns: int
) -> Iterator[list[str]]:
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
        return _xlsx_table(data, notices, max_columns)
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
    if not name.endswith((".csv", ".txt")) or is_zip or b"\x00" in data[:4096] and not utf16:
        raise FileRefused(
            f"Upload a CSV file (.csv) or an Excel workbook (.xlsx); “{filename}” is neither."
        )
    return _csv_table(data)


def _csv_table(data: bytes) -> Iterator[list[str]]:
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
        yield from reader
    except csv.Error as exc:
        raise FileRefused(
            f"The CSV file cannot be read after line {reader.line_num}: {exc}. "
            "Check that quotes are balanced."
        ) from None


def _xlsx_table(data: bytes, notices: list[str], max_columns: int) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise FileRefused(
            "The workbook cannot be opened (it is not a valid .xlsx). Save it "
            "again as .xlsx or as CSV UTF-8."
        ) from None
    if unpacked > MAX_UNPACKED_BYTES:
        # A few MB of .xlsx can unpack to gigabytes; real staff lists stay far below this.
        raise FileRefused(
            "The workbook unpacks to more than 100 MB. Save the staff sheet "
            "alone as CSV UTF-8 and upload that."
        )
    try:
        # read_only streams rows; data_only=False keeps a formula's text rather than running it.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise FileRefused(
            f"The workbook cannot be opened ({exc.__class__.__name__}). Save it "
            "again as .xlsx or as CSV UTF-8."
        ) from None
    except Exception:  # openpyxl raises many kinds on malformed files
        raise FileRefused(
            "The workbook cannot be opened. Save it again as .xlsx or as CSV UTF-8."
        ) from None
    try:
        sheets = workbook.worksheets
        if not sheets:
            raise FileRefused("The workbook has no sheets.")
        if len(sheets) > 1:
            notices.append(
                f"The workbook has {len(sheets)} sheets; only the first, "
                f"“{sheets[0].title}”, was read."
            )
        try:
            for values in sheets[0].iter_rows(values_only=True, max_col=max_columns):
                yield [_cell_text(value) for value in values]
        except FileRefused:
            raise
        except Exception:
            raise FileRefused(
                "The workbook cannot be read to the end. Save it again as .xlsx or as CSV UTF-8."
            ) from None
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
