from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from mentoring.services.plan_files import (
    MAX_FILE_BYTES,
    ProgrammeFileError,
    parse_programme,
    programme_create_from,
)


class Command(BaseCommand):
    help = (
        "Create a programme (agreement, guides and session plan) from a JSON file such as "
        "mentoring/plans/*.json or the output of dump_programme. A bad file creates nothing "
        "and exits with 1. The file's slug is used when free, otherwise a new one is made."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="path to the programme's .json file")
        parser.add_argument("--slug", default="", help="the new programme's web address")
        parser.add_argument("--name", default="", help="a name instead of the file's")

    def handle(self, *args, file: str, slug: str, name: str, **options) -> None:
        path = Path(file)
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise CommandError(f"{file}: larger than {MAX_FILE_BYTES // 1000} kB.")
            raw = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror or exc}.") from None
        try:
            document = parse_programme(raw)
            programme = programme_create_from(document=document, name=name, slug=slug)
        except ProgrammeFileError as exc:
            raise CommandError(
                f"{file} was not loaded; nothing was created:\n"
                + "\n".join(f"  - {problem}" for problem in exc.problems)
            ) from None
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        steps = programme.plan_steps.count()
        self.stdout.write(
            f"Created programme “{programme.name}” at /programmes/{programme.slug}/ "
            f"with {steps} plan step{'s' if steps != 1 else ''}."
        )
