"""Demo partner register for ``scripts/run`` (``manage.py partners_demo``): Stockholm County's
26 municipalities (``core.places``, from /work/shared/data/kommuner-2010.csv) each with a
social services unit for children and young people, Stockholm city's 13 district
administrations, Region Stockholm, the police, the County Administrative Board, two NGOs, a
shelter and a protected-housing provider; and two demo partner professionals.

Everything goes through the services (the import's ``register_import`` and
``professional_invite``), so the audit log shows it as a real centre's would. Idempotent:
a second run changes nothing. Needs the demo administrator (``demo_setup``).

Phone numbers are from the range Sweden's regulator keeps for fiction (070-174 06 xx), inbox
addresses end in ``.invalid``; the NGOs, shelter and housing provider are made up.
"""

from __future__ import annotations

from dataclasses import dataclass

from hedershus.accounts.demo import DEMO_EMAIL_DOMAIN, DEMO_TOTP_SECRET, DemoAccount
from hedershus.accounts.models import User
from hedershus.core.access import Role
from hedershus.core.places import MUNICIPALITIES, STOCKHOLM, STOCKHOLM_DISTRICTS
from hedershus.partners import selectors, services
from hedershus.partners.models import OrganisationKind, PartnerUnit, ServiceKind, UnitMembership
from hedershus.partners.services import ImportRow
from hedershus.partners.validation import OrganisationData, UnitData

SOCIAL_UNIT = "Socialtjänsten, barn och unga"
# Organisation names as the municipalities call themselves (some are "stad").
_CITIES = {"Lidingö": "Lidingö stad", "Solna": "Solna stad", "Stockholm": "Stockholms stad",
           "Sundbyberg": "Sundbybergs stad", "Vaxholm": "Vaxholms stad"}  # fmt: skip
_GENITIVE = {"Danderyd", "Nykvarn", "Nynäshamn", "Salem", "Österåker"}

PARTNER_UNIT = ("Botkyrka kommun", SOCIAL_UNIT)
PARTNER2_UNIT = ("Södertälje kommun", SOCIAL_UNIT)
PARTNER2 = DemoAccount(
    f"partner2@{DEMO_EMAIL_DOMAIN}", Role.PARTNER.value, "demo-partner2-Hedershus", "Partner (2)"
)


def municipality_organisation_name(municipality: str) -> str:
    """ "Botkyrka" → "Botkyrka kommun", "Danderyd" → "Danderyds kommun", "Solna" → "Solna stad"."""
    if municipality in _CITIES:
        return _CITIES[municipality]
    return f"{municipality}s kommun" if municipality in _GENITIVE else f"{municipality} kommun"


def _phone(number: int) -> str:
    return f"070-174 06 {number % 100:02d}"


def _inbox(slug: str) -> str:
    return f"{slug}@partner.invalid"


def _slug(name: str) -> str:
    table = str.maketrans({"å": "a", "ä": "a", "ö": "o", " ": "-", ",": ""})
    return name.lower().translate(table)


def demo_rows() -> list[ImportRow]:
    """The demo register as import rows (line numbers are positions in this list)."""
    rows: list[tuple[OrganisationData, UnitData]] = []
    for number, municipality in enumerate(MUNICIPALITIES):
        organisation = municipality_organisation_name(municipality)
        on_platform = (organisation, SOCIAL_UNIT) in (PARTNER_UNIT, PARTNER2_UNIT)
        rows.append(
            (
                OrganisationData(organisation, OrganisationKind.MUNICIPALITY, municipality),
                UnitData(
                    SOCIAL_UNIT,
                    services=(ServiceKind.SOCIAL_SERVICES, ServiceKind.CHILD_PROTECTION),
                    municipalities=(municipality,),
                    languages=("sv", "en"),
                    audiences=("children", "youth", "families"),
                    opening_hours="Mån-fre 8-16.30. Socialjouren kvällar och helger.",
                    phone=_phone(number),
                    email=_inbox(f"barn-unga.{_slug(municipality)}"),
                    on_platform=on_platform,
                    public=True,
                    public_description=(
                        f"Socialtjänsten i {municipality} ger stöd och skydd till barn och unga "
                        "och deras familjer. Du kan ringa anonymt och fråga."
                    ),
                ),
            )
        )
    for number, district in enumerate(STOCKHOLM_DISTRICTS, start=30):
        rows.append(
            (
                OrganisationData(f"{district} stadsdelsförvaltning", OrganisationKind.DISTRICT, STOCKHOLM),
                UnitData(
                    "Socialtjänsten",
                    services=(ServiceKind.SOCIAL_SERVICES, ServiceKind.CHILD_PROTECTION),
                    municipalities=(STOCKHOLM,),
                    districts=(district,),
                    languages=("sv", "en", "ar", "so")
                    if district in ("Rinkeby-Kista", "Spånga-Tensta")
                    else ("sv", "en"),
                    audiences=("children", "youth", "adults", "families"),
                    opening_hours="Mån-fre 8-16.",
                    phone=_phone(number),
                    email=_inbox(f"socialtjanst.{_slug(district)}"),
                ),
            )
        )
    region = OrganisationData("Region Stockholm", OrganisationKind.REGION)
    rows += [
        (
            region,
            UnitData(
                "Ungdomsmottagningar",
                services=(ServiceKind.YOUTH_CLINIC, ServiceKind.HEALTH_CARE, ServiceKind.SUPPORT_TALKS),
                languages=("sv", "en", "ar", "fa", "so"),
                audiences=("youth",),
                opening_hours="Drop-in och bokade tider, se din mottagning.",
                phone=_phone(50),
                email=_inbox("umo.region"),
                public=True,
                public_description="För dig som är 13-22 år: samtal om kropp, relationer och hur du mår.",
            ),
        ),
        (
            region,
            UnitData(
                "Barn- och ungdomspsykiatrin (BUP)",
                services=(ServiceKind.PSYCHIATRY,),
                languages=("sv", "en"),
                audiences=("children", "youth", "families"),
                opening_hours="Mån-fre 8-17; akut dygnet runt.",
                phone=_phone(51),
                email=_inbox("bup.region"),
            ),
        ),
        (
            region,
            UnitData(
                "Vuxenpsykiatrin",
                services=(ServiceKind.PSYCHIATRY, ServiceKind.HEALTH_CARE),
                languages=("sv", "en"),
                audiences=("adults",),
                phone=_phone(52),
                email=_inbox("psykiatri.region"),
            ),
        ),
        (
            OrganisationData("Polisregion Stockholm", OrganisationKind.POLICE),
            UnitData(
                "Brott i nära relation och hedersrelaterad brottslighet",
                services=(ServiceKind.POLICE,),
                languages=("sv", "en"),
                audiences=("children", "youth", "adults", "professionals"),
                opening_hours="Dygnet runt via 114 14; vid fara ring 112.",
                phone="114 14",
                email=_inbox("heder.polisen"),
                public=True,
                public_description="Polisen utreder brott och kan ge skydd. Vid fara, ring 112.",
            ),
        ),
        (
            OrganisationData("Länsstyrelsen Stockholm", OrganisationKind.COUNTY_BOARD),
            UnitData(
                "Regional samordning mot hedersrelaterat våld",
                services=(ServiceKind.OTHER,),
                languages=("sv", "en"),
                audiences=("professionals",),
                opening_hours="Mån-fre 9-16.",
                phone=_phone(60),
                email=_inbox("heder.lansstyrelsen"),
            ),
        ),
        (
            OrganisationData("Föreningen Trygg Framtid (demo)", OrganisationKind.NGO),
            UnitData(
                "Stödsamtal och jourtelefon",
                services=(ServiceKind.SUPPORT_TALKS,),
                languages=("sv", "ar", "ku", "fa", "so", "ti"),
                audiences=("youth", "adults"),
                opening_hours="Alla dagar 10-22.",
                phone=_phone(70),
                email=_inbox("stod.tryggframtid"),
                public=True,
                public_description=(
                    "Anonyma stödsamtal på flera språk för dig som inte får bestämma själv över ditt liv."
                ),
            ),
        ),
        (
            OrganisationData("Unga Röster (demo)", OrganisationKind.NGO),
            UnitData(
                "Chatt och träffar för unga",
                services=(ServiceKind.SUPPORT_TALKS, ServiceKind.LEGAL_ADVICE),
                languages=("sv", "en", "ar"),
                audiences=("youth",),
                opening_hours="Chatt mån-tor 15-21.",
                phone=_phone(71),
                email=_inbox("unga-roster"),
                public=True,
                public_description="Prata med andra unga och med vuxna som vet vad dina rättigheter är.",
            ),
        ),
        (
            OrganisationData("Skyddat boende Fristaden (demo)", OrganisationKind.SHELTER),
            UnitData(
                "Skyddat boende för unga",
                services=(ServiceKind.SHELTER, ServiceKind.SUPPORT_TALKS),
                languages=("sv", "en", "ar", "fa"),
                audiences=("youth", "adults", "children"),
                opening_hours="Dygnet runt.",
                phone=_phone(80),
                email=_inbox("fristaden"),
                capacity_free=2,
                public=True,
                public_description=(
                    "Skyddat boende för unga och unga vuxna som utsätts för hedersrelaterat våld."
                ),
            ),
        ),
        (
            OrganisationData("Skyddsboenden Mälardalen (demo)", OrganisationKind.PROTECTED_HOUSING),
            UnitData(
                "Skyddat boende för familjer",
                services=(ServiceKind.PROTECTED_HOUSING,),
                languages=("sv", "en", "so"),
                audiences=("families", "children", "adults"),
                opening_hours="Dygnet runt.",
                phone=_phone(81),
                email=_inbox("skyddsboenden"),
                capacity_free=1,
            ),
        ),
    ]
    return [ImportRow(line, organisation, unit) for line, (organisation, unit) in enumerate(rows, start=1)]


@dataclass(frozen=True)
class DemoPartnersReport:
    units_created: int
    units_updated: int
    memberships_added: int
    reason: str = ""


def demo_partners_load() -> DemoPartnersReport:
    """Loads the demo register and the demo partner professionals (idempotent)."""
    from hedershus.accounts.services import users_create_demo

    administrator = User.objects.filter(email=f"administrator@{DEMO_EMAIL_DOMAIN}").first()
    if administrator is None:
        return DemoPartnersReport(0, 0, 0, "no demo administrator: run demo_setup first")
    report = services.register_import(actor=administrator, rows=demo_rows(), file_kind="demo")
    partner1 = DemoAccount(
        f"partner@{DEMO_EMAIL_DOMAIN}", Role.PARTNER.value, "demo-partner-Hedershus", "Partner professional"
    )
    users = users_create_demo([partner1, PARTNER2], DEMO_TOTP_SECRET)
    added = 0
    for user, (organisation, unit_name), is_unit_admin in (
        (users[0], PARTNER_UNIT, True),
        (users[1], PARTNER2_UNIT, False),
    ):
        unit = PartnerUnit.objects.get(organisation__name=organisation, name=unit_name)
        if UnitMembership.objects.filter(unit=unit, user=user).exists():
            continue
        services.professional_invite(
            actor=administrator,
            unit_id=unit.pk,
            email=user.email,
            first_name=user.first_name,
            last_name=user.last_name,
            is_unit_admin=is_unit_admin,
            origin="http://127.0.0.1:8000",
            # The demo accounts exist already: adding them to their units is the explicit choice.
            attach_existing=True,
        )
        added += 1
    assert selectors.units_of_professional(users[0]).exists()
    return DemoPartnersReport(report.units_created, report.units_updated, added)
