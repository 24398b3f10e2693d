from __future__ import annotations

from django.core.management.base import BaseCommand

from sessions_log import rollups


class Command(BaseCommand):
    help = (
        "Rebuild the dashboard's per-pair and per-month session totals from the session logs "
        "(after bulk writes that bypass the services, or to check nothing drifted)."
    )

    def handle(self, *args, **options) -> None:
        rows = rollups.rebuild_all()
        self.stdout.write(f"Rebuilt session totals: {rows} pair-month rows.")
