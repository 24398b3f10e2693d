from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("mentoring", "0009_outbox_table_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="cohort",
            name="weight_preference",
            field=models.PositiveSmallIntegerField(default=4),
        ),
    ]
