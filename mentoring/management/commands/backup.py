from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from mentoring.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the database to FILE (default var/backups/twoway-<timestamp>.dump): "
        "pg_dump -Fc for PostgreSQL, an online copy for SQLite. The file is private to you."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", help="where to write the backup")

    def handle(self, *args, file: str | None, **options) -> None:
        path = Path(file) if file else default_path()
        try:
            written = backup(settings.DATABASES["default"], path)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Backed up to {written} ({written.stat().st_size:,} bytes).")


def default_path() -> Path:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return Path(settings.VAR_DIR) / "backups" / f"twoway-{stamp}.dump"
