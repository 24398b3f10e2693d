from __future__ import annotations

from django.core.management.base import BaseCommand

from mentoring.dashboard import roster


class Command(BaseCommand):
    help = (
        "Build the dashboard's pair and enrolment rosters whole (after bulk writes to pairs, "
        "enrolments, profiles, cohorts or survey answers that bypass the models' signals; beat "
        "does it every ten minutes). Rows that differ are rewritten and the dashboard's cache "
        "moves on."
    )

    def handle(self, *args, **options) -> None:
        changed = roster.rebuild_and_tell()
        self.stdout.write(
            "Rosters rebuilt: some rows differed and were rewritten."
            if changed
            else "Rosters rebuilt: every row was already up to date."
        )
