"""Hostile workbooks, built small on disk: XML compresses about a thousandfold."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable

from mentoring.imports.parse import ALL_COLUMNS

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _inline(column: int, row: int, text: str) -> str:
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return f'<c r="{letters}{row}" t="inlineStr"><is><t>{text}</t></is></c>'


def header_row() -> str:
    cells = "".join(_inline(i, 1, name) for i, name in enumerate(ALL_COLUMNS, start=1))
    return f'<row r="1">{cells}</row>'


def workbook(
    sheet_body: Iterable[str],
    *,
    shared_strings: Iterable[str] | None = None,
    prolog: str = "",
) -> bytes:
    """An .xlsx whose first sheet's <sheetData> is `sheet_body`, written chunk by chunk."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{_RELS}"><Relationship Id="r1" Type="{_DOC}/officeDocument"'
            ' Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{_MAIN}" xmlns:r="{_DOC}"><sheets>'
            '<sheet name="Staff" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        shared = (
            f'<Relationship Id="rId2" Type="{_DOC}/sharedStrings" Target="sharedStrings.xml"/>'
            if shared_strings is not None
            else ""
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="{_RELS}"><Relationship Id="rId1" Type="{_DOC}/worksheet"'
            f' Target="worksheets/sheet1.xml"/>{shared}</Relationships>',
        )
        if shared_strings is not None:
            with archive.open("xl/sharedStrings.xml", "w") as part:
                part.write(f'{prolog}<sst xmlns="{_MAIN}">'.encode())
                for chunk in shared_strings:
                    part.write(chunk.encode())
                part.write(b"</sst>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as part:
            part.write(f'{prolog}<worksheet xmlns="{_MAIN}"><sheetData>'.encode())
            for chunk in sheet_body:
                part.write(chunk.encode())
            part.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


def repeated(text: str, times: int, per_chunk: int = 10_000) -> Iterable[str]:
    for start in range(0, times, per_chunk):
        yield text * min(per_chunk, times - start)
