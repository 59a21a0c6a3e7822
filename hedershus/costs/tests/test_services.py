"""Writes of cost sharing: administrators only, all or nothing, every change audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from hedershus.audit.models import AuditEvent
from hedershus.core.access import Capability, Role, roles_without
from hedershus.core.exceptions import AccessDenied, Conflict, InvalidInput, NotFound
from hedershus.costs import selectors, services
from hedershus.costs.models import CostPart, FixedShare, MunicipalityPopulation, PopulationTable
from hedershus.costs.tests.helpers import agreement_make, county_file, population_make

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def admin(cast):
    return cast[Role.ADMINISTRATOR]


def test_an_import_stores_every_row_and_is_audited_with_counts_only(admin):
    table = population_make(admin)
    assert table.rows.count() == 26
    assert table.total_population == 2_054_343
    event = AuditEvent.objects.get(event_type="costs.population_imported")
    assert event.data == {"reference_date": "2010-12-31", "rows": 26, "total": 2_054_343}


def test_a_file_with_one_bad_row_imports_nothing_and_says_where(admin):
    content = county_file(replace={"2,Danderyd,31330": "2,Danderyd,3x"})
    with pytest.raises(services.PopulationImportRefused) as caught:
        population_make(admin, content)
    assert caught.value.problems == [
        "Line 3, column “invanare_2010_12_31”: Write the population as a whole number (digits only)."
    ]
    assert not PopulationTable.objects.exists() and not MunicipalityPopulation.objects.exists()
    assert not AuditEvent.objects.filter(event_type="costs.population_imported").exists()


def test_a_header_naming_another_date_than_the_one_given_is_refused(admin):
    with pytest.raises(services.PopulationImportRefused) as caught:
        services.population_table_import(
            user=admin,
            reference_date=dt.date(2011, 12, 31),
            source_note="",
            content=county_file(),
        )
    assert "2010-12-31" in caught.value.problems[0]
    assert not PopulationTable.objects.exists()


def test_a_later_years_table_is_a_new_one_and_the_old_agreement_keeps_its_own(admin):
    agreement = agreement_make(admin)
    before = selectors.agreement_table(agreement, "2012").table
    services.population_table_import(
        user=admin,
        reference_date=dt.date(2011, 12, 31),
        source_note="",
        content=county_file(
            header="nr,kommun,invanare_2011_12_31", replace={"1,Botkyrka,82608": "1,Botkyrka,90000"}
        ),
    )
    assert PopulationTable.objects.count() == 2
    agreement.refresh_from_db()
    assert selectors.agreement_table(agreement, "2012").table == before


def test_a_table_without_exactly_the_countys_municipalities_imports_nothing(admin):
    content = county_file(replace={"2,Danderyd,31330": "2,Gotham,31330", "3,Ekerö,25410": ""})
    with pytest.raises(services.PopulationImportRefused) as caught:
        population_make(admin, content)
    assert caught.value.problems == [
        "Line 3, column “kommun”: “Gotham” is not a municipality of Stockholm County.",
        "Missing municipalities of Stockholm County: “Danderyd”, “Ekerö”.",
    ]
    assert not PopulationTable.objects.exists() and not MunicipalityPopulation.objects.exists()
    assert not AuditEvent.objects.filter(event_type="costs.population_imported").exists()


def test_a_reference_date_in_the_future_is_refused_and_nothing_saved(admin):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(InvalidInput, match="cannot lie in the future"):
        services.population_table_import(
            user=admin,
            reference_date=tomorrow,
            source_note="",
            content=county_file(header="nr,kommun,invanare"),
        )
    assert not PopulationTable.objects.exists() and not MunicipalityPopulation.objects.exists()
    # Today is not the future.
    services.population_table_import(
        user=admin,
        reference_date=timezone.localdate(),
        source_note="",
        content=county_file(header="nr,kommun,invanare"),
    )


def test_a_second_table_with_the_same_reference_date_is_refused_and_nothing_saved(admin):
    first = population_make(admin)
    with pytest.raises(Conflict, match="2010-12-31 exists already"):
        population_make(admin, county_file(replace={"1,Botkyrka,82608": "1,Botkyrka,1"}))
    assert list(PopulationTable.objects.all()) == [first]
    assert MunicipalityPopulation.objects.count() == 26
    assert AuditEvent.objects.filter(event_type="costs.population_imported").count() == 1


@pytest.mark.parametrize("name", ["Botkyrka", "  botkyrka ", "UPPLANDS-BRO", "Upplands  Väsby"])
def test_a_fixed_share_named_like_a_municipality_of_the_table_is_refused(admin, name):
    agreement = agreement_make(admin)
    with pytest.raises(InvalidInput, match="municipality of this agreement's population table"):
        services.share_add(user=admin, agreement_id=agreement.pk, name=name, basis_points=100)
    assert agreement.fixed_shares.count() == 2
    assert AuditEvent.objects.filter(event_type="costs.share_added").count() == 2
    # A partner whose name merely contains a municipality's is another partner.
    services.share_add(user=admin, agreement_id=agreement.pk, name="Polisen i Botkyrka", basis_points=100)


@pytest.mark.parametrize("role", roles_without(Capability.MANAGE_SITE_SETTINGS), ids=str)
def test_only_administrators_change_cost_sharing(cast, admin, role):
    agreement = agreement_make(admin)
    with pytest.raises(AccessDenied):
        population_make(cast[role], county_file(header="nr,kommun,invanare_2011_12_31"))
    with pytest.raises(AccessDenied):
        services.share_add(user=cast[role], agreement_id=agreement.pk, name="X", basis_points=1)
    with pytest.raises(AccessDenied):
        services.part_add(
            user=cast[role], agreement_id=agreement.pk, name="X", amount=1, first_year=2012, last_year=2012
        )


def test_fixed_shares_past_100_per_cent_are_refused_and_nothing_is_saved(admin):
    agreement = agreement_make(admin)  # 25 % + 25 %
    services.share_add(user=admin, agreement_id=agreement.pk, name="Länsstyrelsen", basis_points=5000)
    with pytest.raises(InvalidInput, match=r"100\.01 %, more than 100 %"):
        services.share_add(user=admin, agreement_id=agreement.pk, name="KSL", basis_points=1)
    assert FixedShare.objects.filter(agreement=agreement).count() == 3
    assert AuditEvent.objects.filter(event_type="costs.share_added").count() == 3


def test_a_partner_named_twice_is_a_conflict(admin):
    agreement = agreement_make(admin)
    with pytest.raises(Conflict):
        services.share_add(user=admin, agreement_id=agreement.pk, name="Polisen", basis_points=100)
    with pytest.raises(Conflict):
        services.part_add(
            user=admin,
            agreement_id=agreement.pk,
            name="Fysiskt hus",
            amount=1,
            first_year=2012,
            last_year=2012,
        )


def test_a_part_outside_the_agreements_years_or_of_no_kronor_is_refused(admin):
    agreement = agreement_make(admin, parts=False)
    with pytest.raises(InvalidInput, match="within the agreement"):
        services.part_add(
            user=admin, agreement_id=agreement.pk, name="X", amount=5, first_year=2011, last_year=2012
        )
    with pytest.raises(InvalidInput):
        services.part_add(
            user=admin, agreement_id=agreement.pk, name="X", amount=0, first_year=2012, last_year=2012
        )
    with pytest.raises(InvalidInput):
        services.part_add(
            user=admin, agreement_id=agreement.pk, name="\u202e ", amount=5, first_year=2012, last_year=2012
        )
    assert not CostPart.objects.exists()


def test_an_agreement_with_years_backwards_or_too_long_is_refused(admin):
    table = population_make(admin)
    with pytest.raises(InvalidInput):
        services.agreement_create(
            user=admin, name="A", first_year=2014, last_year=2012, population_table_id=table.pk
        )
    with pytest.raises(InvalidInput):
        services.agreement_create(
            user=admin, name="A", first_year=2012, last_year=2030, population_table_id=table.pk
        )
    with pytest.raises(InvalidInput):
        services.agreement_create(
            user=admin, name="A", first_year=2012, last_year=2014, population_table_id=999999
        )


def test_removing_a_part_or_share_is_audited_and_only_within_its_agreement(admin):
    agreement = agreement_make(admin)
    other = agreement_make(admin)
    part = agreement.parts.first()
    share = agreement.fixed_shares.first()
    assert part is not None and share is not None
    with pytest.raises(NotFound):
        services.part_remove(user=admin, agreement_id=other.pk, part_id=part.pk)
    with pytest.raises(NotFound):
        services.share_remove(user=admin, agreement_id=other.pk, share_id=share.pk)
    services.part_remove(user=admin, agreement_id=agreement.pk, part_id=part.pk)
    services.share_remove(user=admin, agreement_id=agreement.pk, share_id=share.pk)
    assert AuditEvent.objects.filter(event_type="costs.part_removed").get().data["amount"] == 5_000_000
    assert AuditEvent.objects.filter(event_type="costs.share_removed").get().data["basis_points"] == 2500
    # The municipalities now pay 75 % of 1 MSEK.
    data = selectors.agreement_table(agreement, "2013").table
    assert data.budgets == (1_000_000,)
    assert sum(r.amounts[0] for r in data.rows if r.party.kind == "municipality") == 750_000


def test_the_period_table_sums_the_years(admin):
    agreement = agreement_make(admin)
    data = selectors.agreement_table(agreement, "period").table
    assert data.years == (2012, 2013, 2014)
    assert data.total_budget == 18_000_000 == sum(row.total for row in data.rows)
    with pytest.raises(NotFound):
        selectors.agreement_table(agreement, "2015")
