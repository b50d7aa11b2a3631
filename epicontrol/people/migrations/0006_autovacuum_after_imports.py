# After a bulk import the new pages are not "all visible" until VACUUM runs, so the index-only
# scans of the list pages visit the table for the newest rows (exactly the ones a newest-first
# list reads). By default autovacuum waits for inserts of 20 % of the table (1 M rows at
# province scale); vacuum after 50,000 inserts instead. PostgreSQL only.

from django.db import migrations

SETTINGS = (
    "autovacuum_vacuum_insert_scale_factor = 0.01",
    "autovacuum_vacuum_insert_threshold = 10000",
    "autovacuum_analyze_scale_factor = 0.02",
)


def tune(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE people_person SET ({', '.join(SETTINGS)})")


def untune(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        names = ", ".join(s.split(" = ")[0] for s in SETTINGS)
        schema_editor.execute(f"ALTER TABLE people_person RESET ({names})")


class Migration(migrations.Migration):

    dependencies = [
        ("people", "0005_jurisdiction_path_field"),
    ]

    operations = [migrations.RunPython(tune, untune)]
