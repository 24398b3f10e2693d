"""The outbox's pending-rows index takes a name that fits OutboxMessage (it was named when the
model was Reminder)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("mentoring", "0013_remove_cohort_avoid_previous_partners"),
    ]

    operations = [
        migrations.RenameIndex(
            model_name="outboxmessage",
            new_name="outbox_pending_due",
            old_name="reminder_pending_due",
        ),
    ]
