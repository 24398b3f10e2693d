"""Session logs' skills point at the taxonomy's new home (accounts.Skill): state only, the
through table and its rows stay as they are."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("sessions_log", "0008_goal_due_date_and_progress"),
        ("accounts", "0003_skill_moves_here"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="sessionlog",
                    name="skills",
                    field=models.ManyToManyField(
                        blank=True, related_name="session_logs", to="accounts.skill"
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
