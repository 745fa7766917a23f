"""Erase a person (GDPR Art. 17) from the shell, as an admin's confirmation does on the page."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mentora.accounts.models import User
from mentora.core.errors import DomainError
from mentora.privacy.services import erase_person


class Command(BaseCommand):
    help = ("Erase the person with this email: delete their account's data, profile, answers, notes and files, and "
            "show them as “Former member” in what others keep. Asks to confirm unless --yes.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email__iexact=options["email"].strip()).first()
        if user is None:
            raise CommandError(f"No account with the email “{options['email']}”.")
        if not options["yes"]:
            answer = input(f"Erase {user.email} (account {user.pk}) for good? This cannot be undone. Type “erase”: ")
            if answer.strip().lower() != "erase":
                raise CommandError("Nothing was erased.")
        try:
            summary = erase_person(user=user, actor=None)
        except DomainError as error:
            raise CommandError(error.message) from None
        self.stdout.write(f"Erased account {user.pk}; they now show as “Former member”.")
        width = max((len(key) for key in summary), default=0)
        for key, n in summary.items():
            self.stdout.write(f"  {key.ljust(width)}  {n}")
