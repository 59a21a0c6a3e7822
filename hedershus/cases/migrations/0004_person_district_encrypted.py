"""A person's district is free text narrower than the municipality: encrypted at rest like the
identity (``core.crypto``), so a copy of the database does not say where a protected person
lives. Existing values are encrypted into the new column before the plain one goes."""

from django.db import migrations, models

from hedershus.core.crypto import decrypt_text, encrypt_text


def encrypt_districts(apps, schema_editor):
    Person = apps.get_model("cases", "Person")
    for person in Person.objects.exclude(district="").only("pk", "district"):
        Person.objects.filter(pk=person.pk).update(district_encrypted=encrypt_text(person.district))


def decrypt_districts(apps, schema_editor):
    Person = apps.get_model("cases", "Person")
    for person in Person.objects.exclude(district_encrypted="").only("pk", "district_encrypted"):
        Person.objects.filter(pk=person.pk).update(district=decrypt_text(person.district_encrypted)[:80])


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_problem_types_seed")]

    operations = [
        migrations.AddField(
            model_name="person", name="district_encrypted", field=models.TextField(blank=True)
        ),
        migrations.RunPython(encrypt_districts, decrypt_districts),
        migrations.RemoveField(model_name="person", name="district"),
    ]
