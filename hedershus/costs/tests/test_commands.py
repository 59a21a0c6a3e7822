"""``manage.py costs_table`` prints the page's CSV; ``manage.py costs_demo`` is idempotent."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from hedershus.audit.models import AuditEvent
from hedershus.core.access import Role
from hedershus.costs import exports, selectors
from hedershus.costs.models import CostAgreement, PopulationTable
from hedershus.costs.tests.helpers import agreement_make

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("costs_table", *args, stdout=out)
    return out.getvalue()


def test_costs_table_prints_the_same_csv_as_the_export(cast):
    agreement = agreement_make(cast[Role.ADMINISTRATOR])
    printed = _run("--agreement", str(agreement.pk), "--year", "2012")
    assert printed == exports.as_csv(selectors.agreement_table(agreement, "2012")).removeprefix("\ufeff")
    rows = list(csv.DictReader(io.StringIO(printed)))
    assert rows[-1]["amount_2012"] == "6000000"
    period = list(csv.DictReader(io.StringIO(_run("--agreement", str(agreement.pk), "--period"))))
    assert period[-1]["total"] == "18000000"
    events = AuditEvent.objects.filter(event_type="costs.table_exported")
    assert [event.data["via"] for event in events] == ["command", "command"]
    assert all(event.actor_id is None for event in events)


def test_costs_table_refuses_an_unknown_agreement_or_year(cast):
    agreement = agreement_make(cast[Role.ADMINISTRATOR])
    with translation.override("en"):
        with pytest.raises(CommandError, match="No agreement"):
            _run("--agreement", "999999", "--period")
        with pytest.raises(CommandError, match="2012–2014"):  # noqa: RUF001
            _run("--agreement", str(agreement.pk), "--year", "2020")


@pytest.mark.parametrize(
    ("language", "unknown_year", "unknown_agreement"),
    [
        (
            "sv",
            "Avtalet omfattar inte det året. Avtalet gäller 2012–2014.",  # noqa: RUF001
            "Inget avtal har id 999999.",
        ),
        (
            "en",
            "The agreement does not cover that year. The agreement covers 2012–2014.",  # noqa: RUF001
            "No agreement with id 999999.",
        ),
    ],
)
def test_costs_tables_errors_speak_one_language(cast, language, unknown_year, unknown_agreement):
    agreement = agreement_make(cast[Role.ADMINISTRATOR])
    with translation.override(language):
        with pytest.raises(CommandError) as year:
            _run("--agreement", str(agreement.pk), "--year", "1999")
        with pytest.raises(CommandError) as unknown:
            _run("--agreement", "999999", "--period")
    assert str(year.value) == unknown_year
    assert str(unknown.value) == unknown_agreement


def test_costs_demo_creates_the_seed_agreement_once(settings):
    settings.DEBUG = True
    call_command("demo_setup", stdout=io.StringIO())
    call_command("costs_demo", stdout=io.StringIO())
    call_command("costs_demo", stdout=io.StringIO())
    agreement = CostAgreement.objects.get()
    assert PopulationTable.objects.count() == 1
    table = selectors.agreement_table(agreement, "2012").table
    assert table.budgets == (6_000_000,)
    assert [row.amounts[0] for row in table.rows[:2]] == [1_500_000, 1_500_000]


def test_costs_demo_is_refused_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("costs_demo", stdout=io.StringIO())
