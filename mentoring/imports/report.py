"""What an import found and did: for the preview page, the commit message and the shell."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from mentoring.imports.parse import RowProblem


@dataclass(frozen=True)
class PersonChange:
    line: int
    email: str
    full_name: str
    what: str


@dataclass
class ImportReport:
    """What an import found and did, for the preview page, the commit message and the shell."""

    filename: str
    cohort_name: str
    errors: list[str] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    new_people: int = 0
    updated_people: int = 0
    unchanged_people: int = 0
    joining_cohort: int = 0
    new_skills: list[str] = field(default_factory=list)
    # The first MAX_LISTED_CHANGES people who are new or change, for the preview.
    changes: list[PersonChange] = field(default_factory=list)
    committed: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors and not self.problems

    @property
    def people(self) -> int:
        return self.new_people + self.updated_people + self.unchanged_people

    @property
    def bad_lines(self) -> int:
        return len({problem.line for problem in self.problems})

    def summary(self) -> str:
        done = "Imported" if self.committed else "Ready to import"
        people = "1 person" if self.people == 1 else f"{self.people} people"
        text = (
            f"{done} {people} into {self.cohort_name}: {self.new_people} new, "
            f"{self.updated_people} updated, {self.unchanged_people} unchanged"
            f" ({self.joining_cohort} joining the cohort)."
        )
        if self.new_skills:
            names = ", ".join(self.new_skills[:20])
            more = len(self.new_skills) - 20
            added = "added to" if self.committed else "to add to"
            text += f" New skills {added} the taxonomy: {names}" + (
                f" and {more} more." if more > 0 else "."
            )
        return text

    def problem_lines(self) -> list[str]:
        lines = [f"file: {error}" for error in self.errors]
        lines += [f"line {p.line}: {p.email or '(no email)'}: {p.reason}" for p in self.problems]
        return lines

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ImportReport:
        values = dict(data)
        values["problems"] = [RowProblem(**p) for p in values.get("problems", [])]
        values["changes"] = [PersonChange(**c) for c in values.get("changes", [])]
        return cls(**values)
