"""Build the demo organization (once) and print the sign-ins."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from mentora.core.demo import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = ("Create the Northwind demo organization (300 people, three programs about to start, a finished pilot "
            "and a running program with their histories); reuse it if present.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--people", type=int, default=300)

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        result = seed_demo(people=options["people"])
        elapsed = time.perf_counter() - started
        verb = "Created" if result.created else "Reusing"
        self.stdout.write(f"{verb} demo organization “{result.organization.name}” with {result.people} people ({elapsed:.1f} s).")
        if result.histories is not None:
            made = result.histories
            self.stdout.write(f"With histories: a finished pilot ({made.pilot_pairs} pairs) and a running program "
                              f"({made.running_pairs} pairs): {made.meetings} meetings, {made.messages} messages, "
                              f"{made.check_ins} check-ins, {made.evaluations} evaluations.")
            self.stdout.write("Participants with a history to look at (same password):")
            for email, shows in made.examples:
                self.stdout.write(f"  {email:<34} mentee in {shows}")
        self.stdout.write(f"Demo sign-ins (password for all: {DEMO_PASSWORD}):")
        for role, email in result.sign_ins:
            role = "platform admin (creates organizations)" if role == "platform" else role
            self.stdout.write(f"  {email:<34} {role}")
