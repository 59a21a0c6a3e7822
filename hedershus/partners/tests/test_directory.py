"""Public units feed the public help directory through the CMS's own sync: as a draft
revision for editors to review, editors' entries untouched."""

from __future__ import annotations

import pytest

from hedershus.audit.models import AuditEvent
from hedershus.cms.models import HelpDirectoryPage
from hedershus.partners import services
from hedershus.partners.models import OrganisationKind
from hedershus.partners.tests.helpers import organisation_make, unit_make

pytestmark = pytest.mark.django_db


def _public_units():
    ngo = organisation_make("Föreningen Trygg", kind=OrganisationKind.NGO)
    unit_make(
        ngo,
        "Stödlinje",
        municipalities=[],
        services=["support_talks"],
        public=True,
        public_description="Stödsamtal på flera språk.",
        phone="08-123 456",
        web="https://www.trygg.example/stod?x=1",
    )
    unit_make(
        organisation_make("Stockholms stad", municipality="Stockholm"),
        "Socialjouren",
        municipalities=["Stockholm"],
        districts=["Bromma"],
        public=True,
        public_description="Dygnet runt.",
    )
    unit_make(ngo, "Intern enhet", public=False)
    unit_make(ngo, "Nedlagd", public=True, public_description="x", active=False)


def test_publish_sends_public_active_units_as_a_draft_and_keeps_editors_entries(tree, administrator):
    _public_units()
    page = tree[("help-directory", "sv")]

    count = services.directory_publish(actor=administrator)

    assert count == 2
    live = HelpDirectoryPage.objects.get(pk=page.pk)
    assert live.has_unpublished_changes
    assert [e.name for e in live.entries.all()] == ["Stödlinjen", "Skyddat boende Exempel"]
    draft = live.get_latest_revision_as_object()
    entries = {e.name: e for e in draft.entries.all()}
    assert set(entries) == {
        "Stödlinjen",
        "Skyddat boende Exempel",
        "Föreningen Trygg – Stödlinje",  # noqa: RUF001
        "Stockholms stad – Socialjouren",  # noqa: RUF001
    }
    ngo = entries["Föreningen Trygg – Stödlinje"]  # noqa: RUF001
    assert (ngo.kind, ngo.web, ngo.phone, ngo.area) == (
        "ngo",
        "www.trygg.example",
        "08-123 456",
        "Stockholms län",
    )
    assert entries["Stockholms stad – Socialjouren"].area == "Stockholm (Bromma)"  # noqa: RUF001
    assert entries["Stockholms stad – Socialjouren"].kind == "authority"  # noqa: RUF001
    assert AuditEvent.objects.get(event_type="partners.directory_published").data["entries"] == 2


def test_a_unit_made_private_leaves_the_directory_at_the_next_publish(tree, administrator):
    _public_units()
    services.directory_publish(actor=administrator)
    from hedershus.partners.models import PartnerUnit

    PartnerUnit.objects.filter(name="Socialjouren").update(public=False)
    services.directory_publish(actor=administrator)
    draft = HelpDirectoryPage.objects.get(
        pk=tree[("help-directory", "sv")].pk
    ).get_latest_revision_as_object()
    assert [e.name for e in draft.entries.all()] == [
        "Stödlinjen",
        "Skyddat boende Exempel",
        "Föreningen Trygg – Stödlinje",  # noqa: RUF001
    ]
