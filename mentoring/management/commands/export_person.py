"""``python manage.py export_person EMAIL``: the person's download, as JSON on stdout."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from mentoring.privacy import services


class Command(BaseCommand):
    help = "Print everything Twoway holds about a person as JSON (the same as their download)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("email")

    def handle(self, *args, email: str, **options) -> None:
        person = services.find_person(email)
        if person is None:
            raise CommandError(f"Nobody has the email address {email!r}.")
        self.stdout.write(services.export_person_json(person))
