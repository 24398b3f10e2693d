"""The outbox is the core's now (mentoring 0008): sessions_log forgets Reminder, the table stays."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("sessions_log", "0009_session_log_skills_from_accounts"),
        ("mentoring", "0008_outbox_from_sessions_log"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Reminder")],
            database_operations=[],
        ),
    ]
