"""Reading the first sheet of an XLSX workbook as a stream, within bounds.

openpyxl loads the whole shared string table and whole rows before a caller can count them, so
a 300 KB workbook that unpacks to 100 MB held a web worker for 30 s and 1.9 GB. This reader
checks the zip's directory first (entry count, declared sizes), then streams the parts it needs
through an XML pull parser, counting bytes, rows, cells and shared strings as it goes, and stops
at the first limit with a message that names it.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from typing import IO, cast
from xml.etree import ElementTree

from mentoring.imports.limits import (
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_PARTS_PER_TEXT,
    MAX_ROWS,
    MAX_SHARED_STRING_CHARACTERS,
    MAX_SHARED_STRINGS,
    MAX_SHEET_ROWS,
    MAX_UNPACKED_BYTES,
    MAX_XML_ELEMENTS,
    MAX_ZIP_ENTRIES,
    FileRefused,
)

_CHUNK = 64 * 1024
_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")
_CELL_REF = re.compile(r"([A-Za-z]{1,3})(\d+)")
_INTEGER = re.compile(r"-?\d+")
SAVE_AGAIN = "Save it again as .xlsx or as CSV UTF-8."
SAVE_ALONE = "Save the staff sheet alone as CSV UTF-8 and upload that."


def check_archive(archive: zipfile.ZipFile) -> None:
    """Refuse, from the zip's directory alone, a workbook too big to be a staff list."""
    entries = archive.infolist()
    if len(entries) > MAX_ZIP_ENTRIES:
        raise FileRefused(
            f"The workbook holds {len(entries):,} parts; the limit is {MAX_ZIP_ENTRIES:,}. "
            + SAVE_ALONE
        )
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > MAX_UNPACKED_BYTES:
        # A few hundred KB of .xlsx can unpack to gigabytes; real staff lists stay far below.
        raise FileRefused(
            f"The workbook unpacks to {unpacked / 1024 / 1024:,.0f} MB; the limit is "
            f"{MAX_UNPACKED_BYTES // 1024 // 1024} MB. " + SAVE_ALONE
        )


class _Budget:
    """Bytes unpacked so far, across every part read: the declared sizes may lie."""

    def __init__(self) -> None:
        self.used = 0
        self.elements = 0

    def refuse_elements(self) -> None:
        raise FileRefused(
            f"The workbook holds more than {MAX_XML_ELEMENTS:,} XML elements, the limit. "
            + SAVE_ALONE
        )

    def spend(self, amount: int) -> None:
        self.used += amount
        if self.used > MAX_UNPACKED_BYTES:
            raise FileRefused(
                f"The workbook unpacks to more than {MAX_UNPACKED_BYTES // 1024 // 1024} MB, "
                "the limit. " + SAVE_ALONE
            )


_LOCAL_NAMES: dict[str, str] = {}


def _local(tag: str) -> str:
    """A tag without its namespace: strict and transitional OOXML name them differently."""
    name = _LOCAL_NAMES.get(tag)
    if name is None:
        name = _LOCAL_NAMES[tag] = tag.rpartition("}")[2]
    return name


class _Walk:
    """Streams one part's XML: yields ("start", element) for every element and ("end",
    element) for every element outside an item. Items (a cell, a shared string) come whole at
    their end; everything finished is dropped, so memory stays flat whatever the part's size."""

    def __init__(self, budget: _Budget) -> None:
        self.budget = budget

    def __call__(
        self, archive: zipfile.ZipFile, name: str, items: frozenset[str]
    ) -> Iterator[tuple[str, ElementTree.Element]]:
        stack: list[ElementTree.Element] = []
        item_depth = 0  # depth of the item being read, 0 outside one
        parts = 0
        budget = self.budget
        for batch in self._batches(archive, name):
            for event, element in batch:
                if event == "start":
                    budget.elements += 1
                    if budget.elements > MAX_XML_ELEMENTS:
                        budget.refuse_elements()
                    stack.append(element)
                    if not item_depth and _local(element.tag) in items:
                        item_depth, parts = len(stack), 0
                    yield event, element
                    continue
                stack.pop()
                if item_depth and len(stack) >= item_depth:
                    parts += 1
                    if parts > MAX_PARTS_PER_TEXT:
                        raise FileRefused(
                            f"A cell of the workbook holds more than {MAX_PARTS_PER_TEXT:,} "
                            "pieces of formatted text, the limit. " + SAVE_ALONE
                        )
                    continue
                item_depth = 0
                yield event, element
            # Drop what is finished, keeping each open element's open child (always its last).
            # Done once per chunk: removing children one by one shifts a long list each time.
            for depth, open_element in enumerate(stack, start=1):
                if item_depth and depth >= item_depth:
                    break
                keep = 1 if depth < len(stack) else 0
                if len(open_element) > keep:
                    del open_element[: len(open_element) - keep]

    def _batches(
        self, archive: zipfile.ZipFile, name: str
    ) -> Iterator[list[tuple[str, ElementTree.Element]]]:
        """The parser's events, one list per chunk of the part."""
        parser: ElementTree.XMLPullParser = ElementTree.XMLPullParser(events=("start", "end"))
        started = False
        head = b""
        try:
            stream: IO[bytes] = archive.open(name)
        except KeyError:
            raise FileRefused(f"The workbook lacks its part {name}. " + SAVE_AGAIN) from None
        with stream:
            while chunk := stream.read(_CHUNK):
                self.budget.spend(len(chunk))
                if not started:
                    # A DTD can only come before the root element; no workbook part has one,
                    # and refusing it rules out entity expansion.
                    head = (head + chunk)[-(len(chunk) + 16) :]
                    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                        raise FileRefused(
                            "The workbook contains a DTD, which a workbook never needs. "
                            + SAVE_AGAIN
                        )
                parser.feed(chunk)
                # Only "start" and "end" were asked for: each event carries an Element.
                events = cast(list[tuple[str, ElementTree.Element]], list(parser.read_events()))
                started = started or bool(events)
                yield events
            parser.close()
            yield cast(list[tuple[str, ElementTree.Element]], list(parser.read_events()))


def _part_paths(archive: zipfile.ZipFile, walk: _Walk) -> tuple[str, str | None, list[str]]:
    """(first sheet's part, shared strings part or None, every sheet's name)."""
    workbook = "xl/workbook.xml"
    names = set(archive.namelist())
    relationship = frozenset({"Relationship"})
    if "_rels/.rels" in names:
        for event, element in walk(archive, "_rels/.rels", relationship):
            if (
                event == "end"
                and _local(element.tag) == "Relationship"
                and element.get("Type", "").endswith("/officeDocument")
            ):
                workbook = element.get("Target", workbook).lstrip("/")
    sheets: list[tuple[str, str]] = []  # (name, relationship id)
    for event, element in walk(archive, workbook, frozenset({"sheet"})):
        if event == "end" and _local(element.tag) == "sheet":
            sheets.append((element.get("name", ""), element.get(_REL_ID, "")))
    if not sheets:
        raise FileRefused("The workbook has no sheets.")
    folder = posixpath.dirname(workbook)
    rels = posixpath.join(folder, "_rels", posixpath.basename(workbook) + ".rels")
    targets: dict[str, str] = {}
    shared: str | None = None
    for event, element in walk(archive, rels, relationship):
        if event != "end" or _local(element.tag) != "Relationship":
            continue
        target = element.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
        path = posixpath.normpath(path)
        targets[element.get("Id", "")] = path
        if element.get("Type", "").endswith("/sharedStrings"):
            shared = path
    sheet = targets.get(sheets[0][1])
    if sheet is None or sheet not in names:
        raise FileRefused("The workbook's first sheet cannot be found. " + SAVE_AGAIN)
    if shared is not None and shared not in names:
        shared = None
    return sheet, shared, [name for name, _rid in sheets]


def _unescape(text: str) -> str:
    # Excel writes characters XML cannot hold (NUL, ESC...) as _xHHHH_: undo it, so the
    # checks on every cell see what the person typed.
    if "_x" not in text:
        return text
    return _ESCAPED.sub(lambda match: chr(int(match.group(1), 16)), text)


def _string_item(element: ElementTree.Element) -> str:
    """The text of a shared string item or an inline string: plain or rich text runs, no
    phonetic guides."""
    parts: list[str] = []
    for child in element:
        kind = _local(child.tag)
        if kind == "t":
            parts.append(child.text or "")
        elif kind == "r":
            parts.extend(t.text or "" for t in child if _local(t.tag) == "t")
    return _unescape("".join(parts))


def _shared_strings(archive: zipfile.ZipFile, name: str, walk: _Walk) -> list[str]:
    strings: list[str] = []
    characters = 0
    for event, element in walk(archive, name, frozenset({"si"})):
        if event != "end" or _local(element.tag) != "si":
            continue
        text = _string_item(element)
        strings.append(text)
        characters += len(text)
        if len(strings) > MAX_SHARED_STRINGS:
            raise FileRefused(
                f"The workbook's shared string table holds more than {MAX_SHARED_STRINGS:,} "
                "texts, the limit. " + SAVE_ALONE
            )
        if characters > MAX_SHARED_STRING_CHARACTERS:
            raise FileRefused(
                "The workbook's shared string table holds more than "
                f"{MAX_SHARED_STRING_CHARACTERS // 1_000_000} million characters, the limit. "
                + SAVE_ALONE
            )
    return strings


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


def _column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _number_text(text: str) -> str:
    text = text.strip()
    if _INTEGER.fullmatch(text):
        return text
    try:
        value = float(text)
    except ValueError:
        return text
    return str(int(value)) if value.is_integer() and abs(value) < 1e18 else str(value)


def _cell_value(cell: ElementTree.Element, shared: list[str]) -> str:
    kind = cell.get("t", "n")
    value: str | None = None
    formula: str | None = None
    inline: ElementTree.Element | None = None
    for child in cell:
        tag = _local(child.tag)
        if tag == "v":
            value = child.text or ""
        elif tag == "f":
            formula = child.text
        elif tag == "is":
            inline = child
    if formula:
        # A formula is kept as its text, never run or trusted (DESIGN.md: stored as text).
        return "=" + _unescape(formula)
    if kind == "inlineStr":
        return _string_item(inline) if inline is not None else ""
    if value is None:
        return ""
    if kind == "s":
        try:
            return shared[int(value)]
        except (ValueError, IndexError):
            raise FileRefused(
                "The workbook points at a shared text that does not exist. " + SAVE_AGAIN
            ) from None
    if kind == "b":
        return "TRUE" if value.strip() == "1" else "FALSE"
    if kind == "n":
        return _number_text(value)
    return _unescape(value)  # str (a formula's text result), e (#N/A), d (ISO date)


def read_first_sheet(
    archive: zipfile.ZipFile, notices: list[str]
) -> Iterator[tuple[int, list[str]]]:
    """(spreadsheet line, cell texts) of each row of the first sheet that has cells."""
    check_archive(archive)
    walk = _Walk(_Budget())
    sheet, shared_part, sheet_names = _part_paths(archive, walk)
    if len(sheet_names) > 1:
        notices.append(
            f"The workbook has {len(sheet_names)} sheets; only the first, "
            f"“{sheet_names[0]}”, was read."
        )
    shared = _shared_strings(archive, shared_part, walk) if shared_part else []
    rows = cells = line = 0
    values: list[str] = []
    for event, element in walk(archive, sheet, frozenset({"c"})):
        tag = _local(element.tag)
        if event == "start":
            if tag == "row":
                rows += 1
                if rows > MAX_SHEET_ROWS:
                    raise FileRefused(
                        f"The sheet has more than {MAX_SHEET_ROWS:,} rows (empty ones "
                        f"included); the import takes at most {MAX_ROWS:,} people. Delete the "
                        "rows below the list, or save the sheet as CSV UTF-8."
                    )
                given = element.get("r", "")
                line = int(given) if given.isdigit() else line + 1
                values = []
            elif tag == "c":
                cells += 1
                if cells > MAX_CELLS:
                    raise FileRefused(
                        f"The sheet has more than {MAX_CELLS:,} cells, the limit. " + SAVE_ALONE
                    )
            continue
        if tag == "c":
            match = _CELL_REF.fullmatch(element.get("r", ""))
            column = _column_number(match.group(1)) if match else len(values) + 1
            text = _cell_value(element, shared)
            if column > MAX_COLUMNS:
                if text.strip():
                    raise FileRefused(
                        f"Line {line} has a value in column {_column_letters(column)}; the "
                        f"import reads at most {MAX_COLUMNS} columns (A to "
                        f"{_column_letters(MAX_COLUMNS)}). Delete the columns to the right "
                        "of the staff list."
                    )
                continue
            if column > len(values):
                values.extend([""] * (column - len(values)))
            values[column - 1] = text
        elif tag == "row":
            if values:
                yield line, values
            values = []
        elif tag == "sheetData":
            return  # what follows the cells (merges, formatting) is not needed
