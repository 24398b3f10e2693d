"""The outbox's table takes its model's name, now that no other app's state knows it."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("mentoring", "0008_outbox_from_sessions_log"),
        ("sessions_log", "0010_outbox_moves_to_mentoring"),
    ]

    operations = [
        migrations.AlterModelTable(name="outboxmessage", table=None),
    ]
