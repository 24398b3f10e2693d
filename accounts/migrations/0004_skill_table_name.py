"""The skill table takes its app's name, now that no other app's state knows the model."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_skill_moves_here"),
        ("mentoring", "0007_skill_moves_to_accounts"),
    ]

    operations = [
        migrations.AlterModelTable(name="skill", table=None),
    ]
