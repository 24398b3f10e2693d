"""``python manage.py purge_expired [--dry-run]``: the retention purge (beat runs it daily)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from mentoring.privacy import services


class Command(BaseCommand):
    help = (
        "Purge the personal data of cohorts closed more than TWOWAY_RETENTION_DAYS ago, "
        "keeping the figures and a keyed hash of each past pair."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would go and change nothing."
        )

    def handle(self, *args, dry_run: bool, **options) -> None:
        report = services.purge_expired(dry_run=dry_run)
        days = settings.RETENTION_DAYS
        if not report:
            self.stdout.write(f"No cohort closed more than {days} days ago is left to purge.")
            return
        verb = "Would purge" if dry_run else "Purged"
        for cohort in report:
            self.stdout.write(
                f"{verb} {cohort.name} ({cohort.slug}, closed {cohort.closed_on}): "
                f"{cohort.people_erased} people erased, {cohort.pair_hashes} past pairs hashed"
            )
            for kind, count in cohort.counts.items():
                if count:
                    self.stdout.write(f"  {count:>6}  {kind}")
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.")
