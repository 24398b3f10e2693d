from django.core.management import call_command
from django.db import migrations


def create_role_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ("hr_admin", "manager"):
        Group.objects.get_or_create(name=name)


def drop_role_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["hr_admin", "manager"]).delete()


def create_cache_table(apps, schema_editor):
    # The shared cache (login rate limits) lives in this table when no Redis is configured.
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [
        ("mentoring", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(create_role_groups, drop_role_groups),
        migrations.RunPython(create_cache_table, migrations.RunPython.noop),
    ]
