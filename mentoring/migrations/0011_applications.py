import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import mentoring.lib.text


class Migration(migrations.Migration):
    dependencies = [
        ("mentoring", "0010_cohort_weight_preference"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ApplicationCall",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("is_open", models.BooleanField(default=False)),
                ("closes_at", models.DateTimeField(blank=True, help_text="Applications arriving after this are refused.", null=True)),
                ("junior_places", models.PositiveSmallIntegerField(default=10, validators=[django.core.validators.MaxValueValidator(10000)])),
                ("senior_places", models.PositiveSmallIntegerField(default=10, validators=[django.core.validators.MaxValueValidator(10000)])),
                ("introduction", models.TextField(blank=True, max_length=2000, validators=[mentoring.lib.text.NoControlCharactersValidator()])),
                ("link_version", models.PositiveIntegerField(default=1)),
                ("cohort", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name="application_call", to="mentoring.cohort")),
            ],
        ),
        migrations.CreateModel(
            name="Question",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("position", models.PositiveSmallIntegerField(default=0)),
                ("kind", models.CharField(choices=[("text", "Text"), ("choice", "One choice"), ("choices", "Several choices"), ("teach", "Skills they can teach"), ("learn", "Skills they want to learn"), ("capacity", "How many partners they can take")], default="text", max_length=8)),
                ("label", models.CharField(max_length=200, validators=[mentoring.lib.text.NoControlCharactersValidator()])),
                ("help_text", models.CharField(blank=True, max_length=300, validators=[mentoring.lib.text.NoControlCharactersValidator()])),
                ("choices", models.TextField(blank=True, help_text="One choice per line (choice questions only).", max_length=2000)),
                ("required", models.BooleanField(default=True)),
                ("call", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="questions", to="mentoring.applicationcall")),
            ],
            options={"ordering": ["call", "position", "pk"]},
        ),
        migrations.CreateModel(
            name="Application",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("side", models.CharField(choices=[("junior", "Junior"), ("senior", "Senior")], max_length=6)),
                ("answers", models.JSONField(blank=True, default=list)),
                ("capacity", models.PositiveSmallIntegerField(default=1, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(10)])),
                ("state", models.CharField(choices=[("pending", "Waiting for a decision"), ("approved", "Approved"), ("declined", "Declined"), ("waitlisted", "Wait-listed")], default="pending", max_length=10)),
                ("note", models.TextField(blank=True, max_length=2000, verbose_name="HR's note to the applicant")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("decided_at", models.DateTimeField(blank=True, null=True)),
                ("cohort", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="applications", to="mentoring.cohort")),
                ("decided_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                ("enrolment", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to="mentoring.enrolment")),
                ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="applications", to=settings.AUTH_USER_MODEL)),
            ],
            options={
                "ordering": ["created_at", "pk"],
                "constraints": [
                    models.UniqueConstraint(fields=("cohort", "user"), name="application_one_per_person"),
                    models.CheckConstraint(condition=models.Q(("side__in", ["junior", "senior"])), name="application_side_valid"),
                ],
            },
        ),
    ]
