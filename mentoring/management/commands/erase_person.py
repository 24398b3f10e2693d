"""``python manage.py erase_person EMAIL --yes``: erase a person; without --yes, say what
would go and change nothing."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from mentoring.privacy import services


class Command(BaseCommand):
    help = "Erase a person: account, profile, free text and notes; figures stay without a name."

    def add_arguments(self, parser) -> None:
        parser.add_argument("email")
        parser.add_argument("--yes", action="store_true", help="Really erase (cannot be undone).")

    def handle(self, *args, email: str, yes: bool, **options) -> None:
        person = services.find_person(email)
        if person is None:
            raise CommandError(f"Nobody has the email address {email!r}.")
        counts = services.erasure_preview(person)
        verb = "Erasing" if yes else "Erasing would remove or anonymise"
        self.stdout.write(f"{verb} {person.email}:")
        for kind, count in counts.items():
            self.stdout.write(f"  {count:>6}  {kind}")
        if not yes:
            raise CommandError("Nothing erased: run again with --yes to erase this person.")
        try:
            services.erase_person(user=person, by=None)
        except services.ErasureRefused as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS("Erased. Their former partners now see “a former participant”.")
        )
