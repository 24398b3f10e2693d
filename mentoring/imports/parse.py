"""Reading a staff file (DESIGN.md "Staff import file") into plain rows, checking every cell.

Nothing here touches the database: `read_staff_file` turns the uploaded bytes into `StaffRow`s
and `RowProblem`s. What needs the database (managers who already have an account, cycles
through existing managers, people already paired) is checked in `services.py`.
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from mentoring.imports.limits import MAX_ROWS, FileRefused
from mentoring.imports.tables import Row, rows_of_text
from mentoring.lib.spreadsheet import FORMULA_PREFIXES
from mentoring.lib.text import find_control_character, skill_key, tidy_spaces

REQUIRED_COLUMNS: tuple[str, ...] = (
    "email",
    "full_name",
    "side",
    "job_title",
    "department",
    "location",
    "manager_email",
    "teaches",
    "wants_to_learn",
    "capacity",
    "timezone",
)
OPTIONAL_COLUMNS: tuple[str, ...] = ("grade", "employee_id")
ALL_COLUMNS: tuple[str, ...] = REQUIRED_COLUMNS + OPTIONAL_COLUMNS

MAX_CAPACITY = 1000
DEFAULT_LEVEL = 2
SIDES = ("junior", "senior")
# Text limits mirror the model fields, so a long cell is a row problem and never a 500.
MAX_LENGTHS = {
    "email": 254,
    "full_name": 200,
    "job_title": 200,
    "department": 200,
    "location": 200,
    "employee_id": 64,
    "skill": 100,
}
_WHOLE_NUMBER = re.compile(r"[+-]?\d+(\.0*)?")
_GRADE_LIMIT = 2**31 - 1


@dataclass(frozen=True)
class SkillClaim:
    """One skill a person teaches (level) or wants to learn (priority)."""

    name: str
    key: str
    level: int


@dataclass(frozen=True)
class StaffRow:
    line: int
    email: str
    full_name: str
    side: str
    job_title: str
    department: str
    location: str
    manager_email: str
    teaches: tuple[SkillClaim, ...]
    wants_to_learn: tuple[SkillClaim, ...]
    capacity: int
    timezone: str
    grade: int | None = None
    employee_id: str = ""
    # False when the cell was empty: a new person gets the site's zone, a known one keeps theirs.
    timezone_given: bool = True


@dataclass(frozen=True)
class RowProblem:
    line: int
    email: str
    reason: str


@dataclass
class StaffFile:
    """What a file said: good rows, bad rows, and problems with the file as a whole."""

    filename: str
    rows: list[StaffRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    columns: frozenset[str] = frozenset()
    # Every address the file names in its email column, good rows and bad: a manager_email
    # that names a bad row is reported on that row, not as "names nobody".
    emails: set[str] = field(default_factory=set)
    # (line, email, manager_email) of every row naming a manager, bad rows included, so a
    # manager who names nobody is reported alongside a row's other problems.
    manager_refs: list[tuple[int, str, str]] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors and not self.problems


def untick(value: str) -> str:
    """Undo the quote our exports put before formula-like cells, so an export re-imports as is."""
    if len(value) > 1 and value[0] == "'" and value[1] in FORMULA_PREFIXES:
        return value[1:]
    return value


@cache
def _timezones() -> dict[str, str]:
    return {name.casefold(): name for name in zoneinfo.available_timezones()}


Progress = Callable[[int], None]  # told the number of people read so far, now and then
PROGRESS_EVERY = 500


def read_staff_file(
    filename: str, data: bytes, *, default_timezone: str, progress: Progress | None = None
) -> StaffFile:
    """Read and check a CSV or XLSX staff file. Never raises for anything in the file."""
    staff_file = StaffFile(filename=filename)
    try:
        table = rows_of_text(filename, data, staff_file.notices)
        _read_rows(table, staff_file, default_timezone, progress)
    except FileRefused as refusal:
        staff_file.errors.append(str(refusal))
        staff_file.rows.clear()
        staff_file.problems.clear()
    return staff_file


# --- checking rows ---------------------------------------------------------------------------


def _read_rows(
    table: Iterable[Row], staff_file: StaffFile, default_timezone: str, progress: Progress | None
) -> None:
    rows = iter(table)
    header: list[str] | None = None
    for _line, cells in rows:
        if any(cell.strip() for cell in cells):
            header = [cell.strip().lstrip("\ufeff").casefold() for cell in cells]
            break
    if header is None:
        raise FileRefused("The file is empty. It needs a header row and one row per person.")
    positions = _header_positions(header)
    staff_file.columns = frozenset(positions)
    unknown = [name for name in header if name and name not in ALL_COLUMNS]
    if unknown:
        staff_file.notices.append(
            "These columns are not part of the import and were ignored: " + ", ".join(unknown) + "."
        )

    first_line: dict[str, int] = {}
    comma_lines: list[int] = []
    count = 0
    for line, cells in rows:
        if not any(cell.strip() for cell in cells):
            continue  # blank rows, often trailing ones in spreadsheets
        count += 1
        if count > MAX_ROWS:
            raise FileRefused(
                f"The file has more than {MAX_ROWS:,} people, the limit; "
                "split it into several files."
            )
        if progress is not None and count % PROGRESS_EVERY == 0:
            progress(count)
        values = {
            name: untick(cells[i].strip()) if i < len(cells) else ""
            for name, i in positions.items()
        }
        reasons = _control_characters(values)
        row = _row(line, values, reasons, default_timezone)
        email = values["email"].lower()
        manager_email = values["manager_email"].lower()
        if manager_email and not any(r.startswith("manager_email") for r in reasons):
            staff_file.manager_refs.append((line, values["email"], manager_email))
        if email and email in first_line:
            reasons.append(
                f"{email} appears twice in the file (first on line {first_line[email]})."
            )
        elif email:
            first_line[email] = line
        if reasons:
            shown = "" if find_control_character(values["email"]) else values["email"]
            staff_file.problems.extend(RowProblem(line, shown, r) for r in reasons)
        elif row is not None:
            staff_file.rows.append(row)
            if any("," in claim.name for claim in row.teaches + row.wants_to_learn):
                comma_lines.append(line)
    if count == 0:
        raise FileRefused("The file has a header but no people. Add one row per person.")
    staff_file.emails = set(first_line)
    if comma_lines:
        # Probably skills separated by commas: legal, but worth a look before committing.
        shown = ", ".join(str(line) for line in comma_lines[:10])
        staff_file.notices.append(
            f"Skill names with a comma on line{'s' if len(comma_lines) > 1 else ''} {shown}"
            f"{' and more' if len(comma_lines) > 10 else ''}: skills are separated by “;”, "
            "so “TikTok, Excel” is one skill. Check the new skills before importing."
        )


def _control_characters(values: dict[str, str]) -> list[str]:
    """A reason per cell holding a control character (tab allowed): a NUL is a PostgreSQL
    error on commit, a line break or ESC breaks exports and logs, a bidi override disguises
    a name."""
    reasons: list[str] = []
    for column, value in values.items():
        character = find_control_character(value)
        if character is not None:
            reasons.append(
                f"{column} contains an invisible control character ({character}); remove it."
            )
    return reasons


def _header_positions(header: list[str]) -> dict[str, int]:
    positions: dict[str, int] = {}
    for i, name in enumerate(header):
        if name in ALL_COLUMNS:
            if name in positions:
                raise FileRefused(f"The column “{name}” appears twice in the header (line 1).")
            positions[name] = i
    missing = [name for name in REQUIRED_COLUMNS if name not in positions]
    if missing:
        raise FileRefused(
            "The header (line 1) lacks the required column"
            + ("s " if len(missing) > 1 else " ")
            + ", ".join(missing)
            + ". The first row must name the columns: "
            + ", ".join(REQUIRED_COLUMNS)
            + " (and optionally grade, employee_id)."
        )
    return positions


def _row(
    line: int, values: dict[str, str], reasons: list[str], default_timezone: str
) -> StaffRow | None:
    email = _email(values["email"], "email", reasons, required=True)
    full_name = values["full_name"]
    if not full_name:
        reasons.append("full_name is empty.")
    side = values["side"].casefold()
    if side not in SIDES:
        reasons.append(
            f"side must be junior or senior, not “{values['side']}”."
            if values["side"]
            else "side is empty: write junior or senior."
        )
    for column in ("full_name", "job_title", "department", "location", "employee_id"):
        if len(values.get(column, "")) > MAX_LENGTHS[column]:
            reasons.append(f"{column} is longer than {MAX_LENGTHS[column]} characters.")
    manager_email = _email(values["manager_email"], "manager_email", reasons, required=False)
    if email and manager_email == email:
        reasons.append("manager_email is the person's own address: nobody is their own manager.")
    capacity = _capacity(values["capacity"], reasons)
    timezone = _timezone(values["timezone"], reasons, default_timezone)
    grade = _grade(values.get("grade", ""), reasons)
    teaches = _skills(values["teaches"], "teaches", "level", reasons)
    learns = _skills(values["wants_to_learn"], "wants_to_learn", "priority", reasons)
    if reasons:
        return None
    return StaffRow(
        line=line,
        email=email,
        full_name=full_name,
        side=side,
        job_title=values["job_title"],
        department=values["department"],
        location=values["location"],
        manager_email=manager_email,
        teaches=teaches,
        wants_to_learn=learns,
        capacity=capacity,
        timezone=timezone,
        grade=grade,
        employee_id=values.get("employee_id", ""),
        timezone_given=bool(values["timezone"]),
    )


def _email(value: str, column: str, reasons: list[str], *, required: bool) -> str:
    if not value:
        if required:
            reasons.append(f"{column} is empty.")
        return ""
    address = value.lower()
    if len(address) > MAX_LENGTHS["email"]:
        reasons.append(f"{column} is longer than {MAX_LENGTHS['email']} characters.")
        return ""
    try:
        validate_email(address)
    except ValidationError:
        reasons.append(f"{column} “{value}” is not an email address.")
        return ""
    return address


def _capacity(value: str, reasons: list[str]) -> int:
    if not value:
        return 1
    if not _WHOLE_NUMBER.fullmatch(value) or not 1 <= int(float(value)) <= MAX_CAPACITY:
        reasons.append(
            f"capacity must be a whole number from 1 to {MAX_CAPACITY} "
            f"(how many partners the person takes), not “{value}”."
        )
        return 1
    return int(float(value))


def _grade(value: str, reasons: list[str]) -> int | None:
    if not value:
        return None
    if not _WHOLE_NUMBER.fullmatch(value) or abs(int(float(value))) > _GRADE_LIMIT:
        reasons.append(f"grade must be a whole number (higher is more senior), not “{value}”.")
        return None
    return int(float(value))


def _timezone(value: str, reasons: list[str], default: str) -> str:
    if not value:
        return default
    name = _timezones().get(value.casefold())
    if name is None:
        reasons.append(
            f"timezone “{value}” is not an IANA time zone name "
            "(like Europe/London or America/New_York)."
        )
        return default
    return name


def _skills(value: str, column: str, meaning: str, reasons: list[str]) -> tuple[SkillClaim, ...]:
    claims: dict[str, SkillClaim] = {}
    for part in value.split(";"):
        part = part.strip()
        if not part:
            continue
        name, level = part, DEFAULT_LEVEL
        if ":" in part:
            name, _, level_text = part.rpartition(":")
            level_text = level_text.strip()
            if level_text not in ("1", "2", "3"):
                reasons.append(
                    f"{column}: the {meaning} of “{name.strip()}” must be 1, 2 or 3, "
                    f"not “{level_text}”."
                )
                continue
            level = int(level_text)
        name = tidy_spaces(name)
        if not name:
            reasons.append(f"{column}: “{part}” has no skill name.")
            continue
        if len(name) > MAX_LENGTHS["skill"]:
            reasons.append(
                f"{column}: a skill name is longer than {MAX_LENGTHS['skill']} characters."
            )
            continue
        key = skill_key(name)
        # The same skill twice in one cell keeps its highest level.
        if key not in claims or claims[key].level < level:
            claims[key] = SkillClaim(name=name, key=key, level=level)
    return tuple(claims.values())
