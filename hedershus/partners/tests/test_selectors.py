"""Selectors other apps call: which units fit a referral, and whose units a professional has."""

from __future__ import annotations

import pytest

from conftest import _make_user
from hedershus.core.access import Role
from hedershus.partners import selectors
from hedershus.partners.models import OrganisationKind
from hedershus.partners.tests.helpers import member_make, organisation_make, unit_make

pytestmark = pytest.mark.django_db


def _names(units):
    return [unit.name for unit in units]


def test_units_for_referral_keeps_to_the_place_and_service_and_ranks_the_nearest_first():
    botkyrka = organisation_make("Botkyrka kommun")
    stockholm = organisation_make("Stockholms stad", municipality="Stockholm")
    region = organisation_make("Region Stockholm", kind=OrganisationKind.REGION)
    unit_make(botkyrka, "Botkyrka socialtjänst", municipalities=["Botkyrka"])
    unit_make(stockholm, "Stockholm, hela staden", municipalities=["Stockholm"])
    unit_make(stockholm, "Rinkeby-Kista", municipalities=["Stockholm"], districts=["Rinkeby-Kista"])
    unit_make(stockholm, "Södermalm", municipalities=["Stockholm"], districts=["Södermalm"])
    unit_make(
        region, "Länets ungdomsmottagning", services=["social_services", "youth_clinic"], municipalities=[]
    )
    unit_make(region, "Psykiatri", services=["psychiatry"], municipalities=[])

    found = selectors.units_for_referral(
        municipality="Stockholm", district="Rinkeby-Kista", service="social_services"
    )

    assert _names(found) == ["Rinkeby-Kista", "Stockholm, hela staden", "Länets ungdomsmottagning"]
    assert _names(selectors.units_for_referral(municipality="Botkyrka", service="psychiatry")) == [
        "Psykiatri"
    ]


def test_units_for_referral_offers_only_units_listing_the_chosen_language():
    # The tester's search: Botkyrka, social services, Tigrinya. Botkyrka's unit lists only
    # Swedish and English, so neither it nor a county-wide unit without Tigrinya is offered.
    botkyrka = organisation_make("Botkyrka kommun")
    region = organisation_make("Region Stockholm", kind=OrganisationKind.REGION)
    unit_make(botkyrka, "Botkyrka socialtjänst", municipalities=["Botkyrka"], languages=["sv", "en"])
    unit_make(region, "Länets mottagning", municipalities=[], languages=["sv"])
    unit_make(region, "Tigrinjamottagningen", services=["support_talks"], municipalities=[], languages=["ti"])

    assert not selectors.units_for_referral(
        municipality="Botkyrka", service="social_services", language="ti"
    ).exists()
    assert _names(selectors.units_for_referral(municipality="Botkyrka", language="ti")) == [
        "Tigrinjamottagningen"
    ]
    assert _names(selectors.units_for_referral(municipality="Botkyrka", language="sv")) == [
        "Botkyrka socialtjänst",
        "Länets mottagning",
    ]


def test_units_for_referral_keeps_to_the_language_and_needs_free_places_when_asked():
    shelter = organisation_make("Skyddat boende", kind=OrganisationKind.SHELTER)
    unit_make(shelter, "Full", services=["shelter"], municipalities=[], capacity_free=0)
    unit_make(shelter, "Unknown capacity", services=["shelter"], municipalities=[])
    unit_make(
        shelter, "Free, Swedish", services=["shelter"], municipalities=[], capacity_free=2, languages=["sv"]
    )
    unit_make(
        shelter, "Free, Arabic", services=["shelter"], municipalities=[], capacity_free=1, languages=["ar"]
    )

    found = selectors.units_for_referral(
        municipality="Nacka", service="shelter", language="ar", needs_free_places=True
    )

    assert _names(found) == ["Free, Arabic"]
    assert len(selectors.units_for_referral(municipality="Nacka", service="shelter")) == 4


def test_units_for_referral_leaves_out_inactive_units_and_organisations():
    gone = organisation_make("Nedlagd förening", kind=OrganisationKind.NGO, active=False)
    unit_make(gone, "Stödsamtal", municipalities=[])
    unit_make(
        organisation_make("Förening", kind=OrganisationKind.NGO), "Vilande", municipalities=[], active=False
    )

    assert not selectors.units_for_referral(municipality="Botkyrka").exists()


def test_units_of_professional_only_for_an_active_partner_member():
    unit = unit_make()
    other = unit_make(name="Vuxenenheten")
    professional = _make_user(Role.PARTNER, "p@example.org")
    member_make(unit, professional, is_unit_admin=True)
    counsellor = _make_user(Role.COUNSELLOR, "c@example.org")
    member_make(other, counsellor)  # a wrong row must not open a unit to staff

    assert list(selectors.units_of_professional(professional)) == [unit]
    assert list(selectors.unit_admin_units(professional)) == [unit]
    assert not selectors.units_of_professional(counsellor).exists()
    professional.is_active = False
    professional.save()
    assert not selectors.units_of_professional(professional).exists()
    assert not selectors.unit_admin_units(professional).exists()


def test_unit_admin_units_leaves_out_plain_members():
    unit = unit_make()
    professional = _make_user(Role.PARTNER, "p@example.org")
    member_make(unit, professional)
    assert not selectors.unit_admin_units(professional).exists()


def test_notify_addresses_are_the_active_members_or_else_the_units_inbox():
    unit = unit_make(email="inkorg@botkyrka.example")
    assert selectors.notify_addresses_for_unit(unit) == ["inkorg@botkyrka.example"]
    gone = _make_user(Role.PARTNER, "gone@example.org", is_active=False)
    member_make(unit, gone)
    assert selectors.notify_addresses_for_unit(unit) == ["inkorg@botkyrka.example"]
    member_make(unit, _make_user(Role.PARTNER, "b@example.org"))
    member_make(unit, _make_user(Role.PARTNER, "a@example.org"))
    assert selectors.notify_addresses_for_unit(unit) == ["a@example.org", "b@example.org"]
    assert selectors.notify_addresses_for_unit(unit_make(name="Utan e-post")) == []


def test_unit_get_and_units_search_filters():
    unit = unit_make(languages=["sv", "so"])
    unit_make(
        organisation_make("Polisen", kind=OrganisationKind.POLICE),
        "Polisregion Stockholm",
        services=["police"],
        municipalities=[],
    )
    assert selectors.unit_get(unit.pk) == unit
    assert selectors.unit_get(unit.pk + 1000) is None
    assert _names(selectors.units_search(kind="police")) == ["Polisregion Stockholm"]
    assert _names(selectors.units_search(language="so")) == [unit.name]
    assert _names(selectors.units_search(municipality="Nacka")) == ["Polisregion Stockholm"]
    assert _names(selectors.units_search(service="social_services", text="botkyrka")) == [unit.name]


def test_only_units_with_beds_are_offered_as_having_free_places():
    """Tester's defect 3: Botkyrka's social services, given 5 free places by a hand-made
    POST, showed among "only units with free places". A count left on a unit without a
    shelter or protected housing (set before the fix) is no free place."""
    botkyrka = organisation_make("Botkyrka kommun")
    unit_make(botkyrka, "Socialtjänsten", municipalities=["Botkyrka"], capacity_free=5)
    unit_make(botkyrka, "Skyddat boende", services=["protected_housing"], municipalities=[], capacity_free=1)

    found = selectors.units_for_referral(municipality="Botkyrka", needs_free_places=True)

    assert _names(found) == ["Skyddat boende"]
