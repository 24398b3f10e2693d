"""The Skill taxonomy moves from mentoring to accounts (issue 9): state only, the rows stay in
their table (renamed in 0004, a migration of its own)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_initial"),
        ("mentoring", "0006_import_job"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Skill",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("name", models.CharField(max_length=100)),
                        ("key", models.CharField(editable=False, max_length=100, unique=True)),
                        ("category", models.CharField(blank=True, max_length=100)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                    ],
                    options={"ordering": ["name"], "db_table": "mentoring_skill"},
                ),
                migrations.AlterField(
                    model_name="profileskill",
                    name="skill",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="holders",
                        to="accounts.skill",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
