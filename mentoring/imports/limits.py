"""How big a staff file may be, in every dimension that costs time or memory to read.

A real staff list of 20,000 people with a dozen columns stays well inside each bound; a file
past one is refused before it is read to the end, with a message that names the bound.
"""

from __future__ import annotations

MAX_BYTES = 5 * 1024 * 1024  # the upload itself
MAX_ROWS = 20_000  # people, blank rows not counted
MAX_COLUMNS = 30  # a value further right is refused
MAX_CELLS = 20_000 * 20  # cells a sheet may hold, empty ones included
MAX_SHEET_ROWS = MAX_ROWS + 10_000  # <row> elements, empty formatted ones included
MAX_ZIP_ENTRIES = 500
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_SHARED_STRINGS = MAX_CELLS
MAX_SHARED_STRING_CHARACTERS = 16_000_000
MAX_XML_ELEMENTS = 3_000_000  # in all the parts read, so deep or busy XML cannot spin
MAX_PARTS_PER_TEXT = 1_000  # rich-text runs in one cell or shared string


class FileRefused(Exception):
    """The file as a whole cannot be read; the message says why and what to do."""
