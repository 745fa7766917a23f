"""Import people from a CSV file into an organization (dry run unless --apply)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mentora.accounts.imports import apply_people_import, decode_upload, imported_emails, preview_people_csv
from mentora.accounts.models import PeopleImport, Role
from mentora.accounts.services import invite_imported_people
from mentora.core.errors import DomainError
from mentora.core.models import Organization


class Command(BaseCommand):
    help = "Check a people CSV (name, email, department, job_title, level, manager_email, location, timezone, languages) and, with --apply, import it all-or-nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("organization", help="The organization's short name (slug).")
        parser.add_argument("csv_path")
        parser.add_argument("--apply", action="store_true", help="Write the changes (default: dry run).")
        parser.add_argument("--invite", action="store_true",
                            help="With --apply: invite the imported people who have no account yet "
                                 "(nobody invited in the last day is invited again).")

    def handle(self, *args: Any, **options: Any) -> None:
        organization = Organization.objects.filter(slug=options["organization"]).first()
        if organization is None:
            raise CommandError(f"No organization “{options['organization']}”.")
        try:
            content = decode_upload(Path(options["csv_path"]).read_bytes())
        except OSError as error:
            raise CommandError(str(error)) from None
        except DomainError as error:
            raise CommandError(error.message) from None
        preview = preview_people_csv(organization=organization, content=content)
        problems = list(preview.file_errors) + [
            f"line {row.line}: {'; '.join(row.errors)}" for row in preview.rows if row.errors
        ]
        if problems:
            raise CommandError("Nothing imported. Fix these rows:\n  " + "\n  ".join(problems))
        counts = preview.counts()
        summary = f"{counts['create']} new, {counts['update']} updated, {counts['unchanged']} unchanged"
        if not options["apply"]:
            self.stdout.write(f"Dry run: {summary}. Re-run with --apply to import.")
            return
        admin = organization.memberships.filter(role=Role.ADMIN, is_active=True).select_related("user").first()
        people_import = PeopleImport.objects.create(
            organization=organization, uploaded_by=admin.user if admin else None,
            filename=Path(options["csv_path"]).name[:200], content=content,
        )
        apply_people_import(people_import=people_import, applied_by=None)
        self.stdout.write(self.style.SUCCESS(f"Imported: {summary}."))
        if options["invite"]:
            if admin is None:
                raise CommandError("The organization has no admin to send the invitations from.")
            sent = invite_imported_people(organization=organization, emails=imported_emails(people_import),
                                          invited_by=admin.user)
            self.stdout.write(self.style.SUCCESS(f"Invited: {len(sent)} people who have no account yet."))
