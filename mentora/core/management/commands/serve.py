"""Serve the app (ASGI via daphne's runserver) with the in-process task worker."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from mentora.core.periodic import start_periodic_thread
from mentora.core.worker import start_in_process_worker


class Command(BaseCommand):
    help = "Run the web server and an in-process task worker (embedded defaults, one process)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args: Any, **options: Any) -> None:
        handle = start_in_process_worker()
        if handle is not None:
            self.stdout.write("In-process task worker started.")
        start_periodic_thread()
        call_command("runserver", options["addrport"], use_reloader=False)
