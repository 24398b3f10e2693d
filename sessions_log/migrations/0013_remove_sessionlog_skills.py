"""The undirected list of skills goes once its rows are shared out by direction (0012)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("sessions_log", "0012_session_log_skills_per_direction_data"),
    ]

    operations = [migrations.RemoveField(model_name="sessionlog", name="skills")]
