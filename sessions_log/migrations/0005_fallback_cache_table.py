from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    # Sites that run with Redis never got the cache table (mentoring 0002 only makes it for a
    # database cache); it is now where rate limits go while Redis is unreachable.
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [
        ("sessions_log", "0004_dashboard_covering_indexes"),
        ("mentoring", "0002_roles_and_cache_table"),
    ]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
