"""Whole-database checks: rows per table and the invariants the apps declare.

Apps declare invariants that span rows (and so no single constraint can hold) in an
`integrity.py` module, found the way the admin finds `admin.py`:

    @invariant("meetings.no_overlapping_seats")
    def no_overlapping_seats() -> list[str]:
        return [f"{seat} overlaps another meeting" for seat in ...]

Each check returns what it found wrong, in words (an empty list when all is well). `manage.py
restore` runs them after a restore; `manage.py check_integrity` runs them on demand.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connections
from django.utils.module_loading import autodiscover_modules

# Rows listed per failed invariant (the count is always given in full).
EXAMPLES_PER_INVARIANT = 10


@dataclass(frozen=True)
class Invariant:
    name: str
    description: str
    check: Callable[[], list[str]]


@dataclass
class IntegrityReport:
    row_counts: dict[str, int]
    violations: dict[str, list[str]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def is_healthy(self) -> bool:
        return not self.problems and not any(self.violations.values())

    def describe(self) -> list[str]:
        lines = [f"{sum(self.row_counts.values())} rows in {len(self.row_counts)} tables."]
        lines += [f"PROBLEM: {problem}" for problem in self.problems]
        for name, found in sorted(self.violations.items()):
            if found:
                lines.append(f"FAILED {name}: {len(found)} rows")
                lines += [f"  - {example}" for example in found[:EXAMPLES_PER_INVARIANT]]
            else:
                lines.append(f"ok     {name}")
        return lines


_INVARIANTS: dict[str, Invariant] = {}
_discovered = False


def invariant(name: str) -> Callable[[Callable[[], list[str]]], Callable[[], list[str]]]:
    """Register a check under `name`; its docstring's first line describes it."""

    def register(check: Callable[[], list[str]]) -> Callable[[], list[str]]:
        description = (check.__doc__ or name).strip().splitlines()[0]
        _INVARIANTS[name] = Invariant(name, description, check)
        return check

    return register


def registered_invariants() -> list[Invariant]:
    global _discovered
    if not _discovered:
        autodiscover_modules("integrity")
        _discovered = True
    return sorted(_INVARIANTS.values(), key=lambda item: item.name)


def table_row_counts(*, using: str = "default") -> dict[str, int]:
    """Rows in every table of the database (Django's and the apps', whatever the models say)."""
    connection = connections[using]
    with connection.cursor() as cursor:
        tables = sorted(connection.introspection.table_names(cursor))
        counts: dict[str, int] = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 (introspected names)
            counts[table] = int(cursor.fetchone()[0])
    return counts


def check_integrity(*, using: str = "default") -> IntegrityReport:
    """Count rows, run the database engine's own check (SQLite) and every registered invariant."""
    report = IntegrityReport(row_counts=table_row_counts(using=using))
    connection = connections[using]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA integrity_check")
            verdict = [str(row[0]) for row in cursor.fetchall()]
            if verdict != ["ok"]:
                report.problems.append("SQLite integrity_check: " + "; ".join(verdict[:EXAMPLES_PER_INVARIANT]))
            cursor.execute("PRAGMA foreign_key_check")
            dangling = cursor.fetchall()
            if dangling:
                report.problems.append(f"{len(dangling)} rows point at rows that do not exist (first: {dangling[0]})")
    for item in registered_invariants():
        report.violations[item.name] = item.check()
    return report


__all__ = ["IntegrityReport", "Invariant", "check_integrity", "invariant", "registered_invariants", "table_row_counts"]
