"""Building staff import files for the import tests."""

from __future__ import annotations

import csv
import io

from mentoring.imports.parse import ALL_COLUMNS, REQUIRED_COLUMNS


def person(address: str, **fields: str) -> dict[str, str]:
    row = {
        "email": address,
        "full_name": f"Name of {address.split('@')[0]}",
        "side": "junior",
        "job_title": "Analyst",
        "department": "Data",
        "location": "London",
        "manager_email": "",
        "teaches": "TikTok:3; Data visualisation",
        "wants_to_learn": "Negotiation:1",
        "capacity": "1",
        "timezone": "Europe/London",
        "grade": "2",
        "employee_id": "",
    }
    row.update(fields)
    return row


def csv_bytes(
    rows: list[dict[str, str]],
    *,
    columns: tuple[str, ...] = ALL_COLUMNS,
    newline: str = "\n",
    bom: bool = False,
) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=newline)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(column, "") for column in columns])
    return (b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode()


def xlsx_bytes(
    rows: list[dict[str, str]],
    *,
    columns: tuple[str, ...] = ALL_COLUMNS,
    extra_sheets: int = 0,
    numbers: bool = True,
) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Staff"
    sheet.append(list(columns))
    for row in rows:
        values: list[object] = [row.get(column, "") or None for column in columns]
        if numbers:  # spreadsheets hold numbers as numbers
            values = [int(v) if isinstance(v, str) and v.isdigit() else v for v in values]
        sheet.append(values)
    for i in range(extra_sheets):
        workbook.create_sheet(f"Notes {i + 1}").append(["not", "people"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


__all__ = ["person", "csv_bytes", "xlsx_bytes", "REQUIRED_COLUMNS"]
