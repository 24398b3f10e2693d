from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mentoring.models import Programme
from mentoring.services.plan_files import programme_as_json


class Command(BaseCommand):
    help = (
        "Print a programme (name, description, agreement, guides and session plan) as JSON, "
        "the format load_programme reads."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="the programme's web address")

    def handle(self, *args, slug: str, **options) -> None:
        programme = Programme.objects.filter(slug=slug).first()
        if programme is None:
            raise CommandError(f"No programme with the address {slug!r}.")
        self.stdout.write(programme_as_json(programme), ending="")
