"""Nobody is double-booked, enforced by the database itself.

PostgreSQL: an exclusion constraint (btree_gist) over (person, time range) of active seats.
SQLite: triggers that abort an insert or update creating an overlapping active seat; with
IMMEDIATE transactions (see settings) concurrent bookings are serialised, so one wins.
"""

from django.db import migrations

SQLITE_CHECK = """
SELECT RAISE(ABORT, 'no_double_booking') WHERE NEW.is_active AND EXISTS (
    SELECT 1 FROM meetings_attendee other
    WHERE other.user_id = NEW.user_id AND other.is_active AND other.id != NEW.id
      AND other.starts_at < NEW.ends_at AND other.ends_at > NEW.starts_at
);
"""


def add_guard(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        from mentora.meetings.models import no_overlap_constraint

        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        schema_editor.add_constraint(apps.get_model("meetings", "Attendee"), no_overlap_constraint())
    elif connection.vendor == "sqlite":
        for event in ("INSERT", "UPDATE"):
            schema_editor.execute(
                f"CREATE TRIGGER meetings_attendee_no_overlap_{event.lower()} BEFORE {event} ON meetings_attendee "
                f"FOR EACH ROW BEGIN {SQLITE_CHECK} END"
            )


def remove_guard(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        from mentora.meetings.models import no_overlap_constraint

        schema_editor.remove_constraint(apps.get_model("meetings", "Attendee"), no_overlap_constraint())
    elif connection.vendor == "sqlite":
        for event in ("insert", "update"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS meetings_attendee_no_overlap_{event}")


class Migration(migrations.Migration):
    dependencies = [("meetings", "0001_initial")]
    operations = [migrations.RunPython(add_guard, remove_guard)]
