"""The outbox moves to the core as OutboxMessage (issue 9): state only, the rows stay in their
table (renamed in 0009, a migration of its own)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("mentoring", "0007_skill_moves_to_accounts"),
        ("sessions_log", "0009_session_log_skills_from_accounts"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="OutboxMessage",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("kind", models.CharField(max_length=40)),
                        ("due_at", models.DateTimeField()),
                        ("dedupe_key", models.CharField(max_length=200, unique=True)),
                        ("payload", models.JSONField(blank=True, default=dict)),
                        ("sent_at", models.DateTimeField(blank=True, null=True)),
                        ("skipped_reason", models.CharField(blank=True, max_length=200)),
                        ("attempts", models.PositiveSmallIntegerField(default=0)),
                        ("last_error", models.CharField(blank=True, max_length=500)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "recipient",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="outbox_messages",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["due_at", "pk"],
                        "db_table": "sessions_log_reminder",
                        "indexes": [
                            models.Index(
                                condition=models.Q(("sent_at__isnull", True)),
                                fields=["due_at"],
                                name="reminder_pending_due",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
