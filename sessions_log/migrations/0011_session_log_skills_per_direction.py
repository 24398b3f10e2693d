"""A session log records the skills covered in each direction (junior → senior and senior →
junior) instead of one list credited to every direction the session went."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("sessions_log", "0010_outbox_moves_to_mentoring"),
        ("accounts", "0004_skill_table_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="sessionlog",
            name="skills_reverse",
            field=models.ManyToManyField(
                blank=True,
                related_name="session_logs_reverse",
                to="accounts.skill",
                verbose_name="skills junior → senior",
            ),
        ),
        migrations.AddField(
            model_name="sessionlog",
            name="skills_forward",
            field=models.ManyToManyField(
                blank=True,
                related_name="session_logs_forward",
                to="accounts.skill",
                verbose_name="skills senior → junior",
            ),
        ),
    ]
