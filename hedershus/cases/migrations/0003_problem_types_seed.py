"""The problem types every installation starts with (R14, issue 10 item 1). Supervisors add
more on /staff/cases/problem-types/; these are never removed (cases point at them)."""

from django.db import migrations

PROBLEM_TYPES = [
    ("Kontroll och begränsningar", "Control and restrictions"),
    ("Hot", "Threats"),
    ("Våld", "Violence"),
    ("Tvångsäktenskap", "Forced marriage"),
    ("Barnäktenskap", "Child marriage"),
    ("Bortförande utomlands", "Being taken abroad"),
    ("Könsstympning", "Female genital mutilation"),
    ("Hedersrelaterat sexuellt våld", "Honour-related sexual violence"),
    ("Oskuldskontroll", "Virginity control"),
    ("Psykiskt våld", "Psychological violence"),
    ("Ekonomiskt våld", "Economic violence"),
    ("Utfrysning och förskjutning", "Ostracism and being disowned"),
]


def seed(apps, schema_editor):
    ProblemType = apps.get_model("cases", "ProblemType")
    for name_sv, name_en in PROBLEM_TYPES:
        ProblemType.objects.get_or_create(name_en=name_en, defaults={"name_sv": name_sv})


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_case_contents")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
