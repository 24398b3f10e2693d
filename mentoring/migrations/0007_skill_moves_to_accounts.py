"""Skill now lives in accounts (accounts 0003): mentoring forgets it, the table stays."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("mentoring", "0006_import_job"),
        ("accounts", "0003_skill_moves_here"),
        ("sessions_log", "0009_session_log_skills_from_accounts"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Skill")],
            database_operations=[],
        ),
    ]
