"""Importing a 10,000-person staff file must take at most 15 s (DESIGN.md "Performance budgets").

Times reading, checking and committing a generated CSV into an empty database (everybody new:
the budgeted figure, `seconds`), then the same file again (everybody unchanged, also held to the
budget), then a file in which every row and nearly every skill changed (`reimport_edited`, a
worst case reported for information: on a busy machine it can pass the budget). `xlsx_read`
times reading and checking the same people from a workbook, through the bounded streaming
reader, for information."""

from __future__ import annotations

import csv
import io
import os
import random
import time

BUDGET_SECONDS = 15.0
ROWS = 10_000
SKILLS = [
    "TikTok",
    "Instagram",
    "Generative AI tools",
    "Data visualisation",
    "Excel",
    "SQL",
    "Python",
    "Figma",
    "Remote collaboration",
    "Agile ways of working",
    "LinkedIn",
    "Podcasting",
    "Negotiation",
    "Stakeholder management",
    "Public speaking",
    "Strategy",
    "Budgeting",
    "Career planning",
    "Leading teams",
    "Giving feedback",
    "Influencing",
    "Board reporting",
    "Hiring",
    "Change management",
]
DEPARTMENTS = ["Data", "Marketing", "Finance", "Operations", "People", "Sales", "Technology"]
LOCATIONS = [
    ("London", "Europe/London"),
    ("Manchester", "Europe/London"),
    ("Berlin", "Europe/Berlin"),
    ("New York", "America/New_York"),
]


def staff_file(rows: int = ROWS, *, seed: int = 7, edition: int = 0) -> bytes:
    """A realistic staff CSV: seniors first, each junior managed by a senior of the file."""
    rng = random.Random(seed)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
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
            "grade",
            "employee_id",
        ]
    )
    seniors = rows * 2 // 5
    for i in range(rows):
        senior = i < seniors
        location, tz = rng.choice(LOCATIONS)
        teaches = rng.sample(SKILLS, rng.randint(2, 4)) + [f"Niche skill {rng.randint(1, 300)}"]
        learns = rng.sample(SKILLS, rng.randint(2, 3))
        manager = (
            "" if senior or i % 10 == 0 else f"person{rng.randrange(seniors):05d}@corp.example"
        )
        writer.writerow(
            [
                f"person{i:05d}@corp.example",
                f"Person {i} Example{' II' if edition else ''}",
                "senior" if senior else "junior",
                "Director" if senior else "Analyst",
                rng.choice(DEPARTMENTS),
                location,
                manager,
                "; ".join(f"{name}:{rng.randint(1, 3)}" for name in teaches),
                "; ".join(f"{name}:{rng.randint(1, 3)}" for name in learns),
                rng.choice([1, 1, 1, 2]),
                tz,
                rng.randint(7, 9) if senior else rng.randint(1, 3),
                f"E{i:06d}",
            ]
        )
    return buffer.getvalue().encode()


def as_workbook(data: bytes) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Staff")
    for row in csv.reader(io.StringIO(data.decode())):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _timed_read(filename: str, data: bytes) -> float:
    from mentoring.imports.services import read_upload

    started = time.perf_counter()
    staff = read_upload(filename, data)
    seconds = time.perf_counter() - started
    assert staff.is_valid and len(staff.rows) == ROWS, (staff.errors, staff.problems[:5])
    return seconds


def _timed(cohort, filename: str, data: bytes):
    from mentoring.imports.services import import_commit, read_upload

    started = time.perf_counter()
    report = import_commit(cohort=cohort, staff_file=read_upload(filename, data))
    return time.perf_counter() - started, report


def _load() -> str:
    try:
        return f"{os.getloadavg()[0]:.1f}"
    except OSError:
        return "?"


def run() -> bool:
    from bench import _django

    _django.setup("import")
    from mentoring.imports.services import cohort_for_shell

    cohort = cohort_for_shell("bench-import")
    first = staff_file()
    cpu = time.process_time()
    seconds, report = _timed(cohort, "staff.csv", first)
    cpu = time.process_time() - cpu
    assert report.ok and report.new_people == ROWS, report.problem_lines()[:5]
    again, report = _timed(cohort, "staff.csv", first)
    assert report.ok and report.unchanged_people == ROWS, report.summary()
    edited, report = _timed(cohort, "staff.csv", staff_file(seed=8, edition=1))
    assert report.ok and report.updated_people == ROWS, report.summary()
    xlsx_read = _timed_read("staff.xlsx", as_workbook(first))
    ok = max(seconds, again) <= BUDGET_SECONDS
    # This process's CPU time and the machine's load put a slow wall-clock figure in context.
    print(
        f"import: rows={ROWS} seconds={seconds:.2f} cpu_seconds={cpu:.2f} "
        f"reimport_unchanged={again:.2f} reimport_edited={edited:.2f} xlsx_read={xlsx_read:.2f} "
        f"db={_django.database_label()} load={_load()} budget={BUDGET_SECONDS:.0f} "
        f"{'ok' if ok else 'OVER'}"
    )
    return ok
