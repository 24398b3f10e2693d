from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from mentoring import demo
from mentoring.dashboard import cache as dashboard_cache
from mentoring.dashboard import roster as dashboard_roster
from pairing.demo import seed_pairs
from sessions_log.demo import seed_sessions
from sessions_log.rollups import rebuild_all as rebuild_session_totals


class Command(BaseCommand):
    help = "Build a realistic demo organisation with the demo logins (password: twoway-demo)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--participants",
            type=int,
            default=200,
            help="people enrolled in the current cohort (default 200)",
        )
        parser.add_argument(
            "--months",
            type=int,
            default=3,
            help="how many months the current cohort has been running (default 3)",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="run even with DEBUG off (never on a real organisation's data)",
        )

    def handle(self, *args, participants: int, months: int, force: bool, **options) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates demo accounts with a published password; it "
                "refuses to run with DEBUG off unless given --force."
            )
        if participants < 2 or participants > 100_000:
            raise CommandError("--participants must be between 2 and 100000.")
        if months < 1 or months > 24:
            raise CommandError("--months must be between 1 and 24.")
        started = time.perf_counter()
        org = demo.seed_organisation(participants=participants, months=months)
        seed_pairs(org)
        seed_sessions(org)
        rebuild_session_totals()  # the seed writes logs in bulk, past the rollups' signals
        dashboard_roster.rebuild()  # and past the pair roster's marks
        dashboard_cache.bump()  # the seed writes in bulk, past the cache's signals
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo organisation ready in {time.perf_counter() - started:.1f}s: "
                f"{participants} participants in {org.current}. Log in with {demo.HR_EMAIL}, "
                f"{demo.MANAGER_EMAIL}, {demo.JUNIOR_EMAIL} or {demo.SENIOR_EMAIL} "
                f"(password {demo.DEMO_PASSWORD})."
            )
        )
