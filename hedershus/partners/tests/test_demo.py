"""The demo register loads all 26 municipalities and the two demo professionals, twice the same."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from hedershus.accounts.demo import DEMO_ACCOUNTS, DEMO_TOTP_SECRET
from hedershus.accounts.services import users_create_demo
from hedershus.core.places import MUNICIPALITIES, STOCKHOLM_DISTRICTS
from hedershus.partners import selectors
from hedershus.partners.demo import demo_partners_load
from hedershus.partners.models import OrganisationKind, PartnerOrganisation, PartnerUnit

pytestmark = pytest.mark.django_db


def test_the_demo_register_is_complete_and_idempotent(settings):
    settings.DEBUG = True
    users_create_demo(DEMO_ACCOUNTS, DEMO_TOTP_SECRET)

    first = demo_partners_load()
    second = demo_partners_load()

    municipalities = PartnerOrganisation.objects.filter(kind=OrganisationKind.MUNICIPALITY)
    assert sorted(municipalities.values_list("municipality", flat=True)) == sorted(MUNICIPALITIES)
    assert PartnerUnit.objects.filter(organisation__kind=OrganisationKind.DISTRICT).count() == len(
        STOCKHOLM_DISTRICTS
    )
    assert first.memberships_added == 2 and first.units_created == PartnerUnit.objects.count()
    assert (second.units_created, second.units_updated, second.memberships_added) == (0, 0, 0)
    from hedershus.accounts.models import User

    partner = User.objects.get(email="partner@demo.hedershus.invalid")
    assert [str(u) for u in selectors.unit_admin_units(partner)] == [
        "Botkyrka kommun — Socialtjänsten, barn och unga"
    ]
    partner2 = User.objects.get(email="partner2@demo.hedershus.invalid")
    assert partner2.check_password("demo-partner2-Hedershus")
    assert [u.organisation.name for u in selectors.units_of_professional(partner2)] == ["Södertälje kommun"]
    shelters = selectors.units_for_referral(municipality="Nacka", service="shelter", needs_free_places=True)
    assert [u.capacity_free for u in shelters] == [2]
    assert (
        len(
            selectors.units_for_referral(
                municipality="Stockholm", district="Bromma", service="social_services"
            )
        )
        == 2
    )


def test_the_demo_command_needs_the_demo_accounts_and_debug(settings):
    from django.core.management.base import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("partners_demo")
    settings.DEBUG = True
    with pytest.raises(CommandError):
        call_command("partners_demo")
