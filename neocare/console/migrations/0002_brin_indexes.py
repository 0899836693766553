"""Block-range (BRIN) indexes on the time columns the roll-ups read a day or a few minutes of:
rows are written in (nearly) time order, so a BRIN index of a few pages finds a day among
millions of rows where a B-tree would add hundreds of megabytes and a cost to every insert.
PostgreSQL only (SQLite's embedded databases are small and have no BRIN); not in the models'
Meta because Django's BrinIndex would fail on SQLite."""

from django.db import migrations

INDEXES = [
    ("infants_reading", "measured_at"),
    ("infants_reading", "created_at"),
    ("infants_assessment", "basis_at"),
    ("infants_assessment", "created_at"),
    ("infants_infant", "created_at"),
]


def name(table: str, column: str) -> str:
    return f"{table}_{column}_brin"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table, column in INDEXES:
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {name(table, column)} ON {table} USING brin ({column})"
            )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table, column in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name(table, column)}")


class Migration(migrations.Migration):
    dependencies = [
        ("console", "0001_daily_figures"),
        ("infants", "0010_hospital_record_number"),
    ]

    operations = [migrations.RunPython(create, drop)]
