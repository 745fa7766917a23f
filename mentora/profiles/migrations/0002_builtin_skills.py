"""Load the built-in skills taxonomy (idempotent; reversible)."""

from django.db import migrations


def load(apps, schema_editor):  # type: ignore[no-untyped-def]
    from mentora.profiles.taxonomy import BUILT_IN_SKILLS

    Skill = apps.get_model("profiles", "Skill")
    existing = set(Skill.objects.filter(organization__isnull=True).values_list("name", flat=True))
    Skill.objects.bulk_create(
        Skill(name=name, category=category)
        for category, names in BUILT_IN_SKILLS.items()
        for name in names
        if name not in existing
    )


def unload(apps, schema_editor):  # type: ignore[no-untyped-def]
    from mentora.profiles.taxonomy import BUILT_IN_SKILLS

    Skill = apps.get_model("profiles", "Skill")
    names = [name for names in BUILT_IN_SKILLS.values() for name in names]
    Skill.objects.filter(organization__isnull=True, name__in=names).delete()


class Migration(migrations.Migration):
    dependencies = [("profiles", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
