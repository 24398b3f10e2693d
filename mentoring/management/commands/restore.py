from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from mentoring.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Replace the database's contents with a backup made by `backup` (pg_restore --clean "
        "for PostgreSQL, a copy for SQLite). Stop the web server and workers first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the backup file")
        parser.add_argument(
            "--yes", action="store_true", help="do not ask before replacing the database"
        )

    def handle(self, *args, file: str, yes: bool, **options) -> None:
        path = Path(file)
        config = settings.DATABASES["default"]
        if not yes:
            answer = input(
                f"Replace everything in the database {config['NAME']} with {path}? "
                "Type 'yes' to go on: "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("Nothing restored.")
        connections.close_all()  # nothing of ours holds the database while it is replaced
        try:
            restore(config, path)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Restored {path}. Run `python manage.py migrate` if the code is newer.")
