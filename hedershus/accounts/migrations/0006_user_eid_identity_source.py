"""Who recorded an account's e-ID identity number (issue 13 item 5 follow-up). Every number
recorded before this migration was recorded by an administrator: only they could."""

from typing import Any

from django.db import migrations, models


def _recorded_by_administrators(apps: Any, schema_editor: Any) -> None:
    User = apps.get_model("accounts", "User")
    User.objects.exclude(eid_identity_digest="").update(eid_identity_source="administrator")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_user_eid_identity_digest"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="eid_identity_source",
            field=models.CharField(
                blank=True,
                choices=[
                    ("administrator", "An administrator, before the account was first used"),
                    ("self", "The account holder, linking their own e-ID"),
                ],
                default="",
                editable=False,
                max_length=16,
            ),
        ),
        migrations.RunPython(_recorded_by_administrators, migrations.RunPython.noop),
    ]
