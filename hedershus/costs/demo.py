"""The seed's agreement for ``scripts/run`` (``manage.py costs_demo``): the KSL referral of
2011-06-08, appendix 4 ("Förslag till fördelning av kostnader mellan de samverkande parterna"):
6 MSEK a year for 2012-2014 (physical house 5 MSEK, virtual house 1 MSEK), the police and the
county council 25 % each, the municipalities the rest by population on 2010-12-31.

Made through the services as the demo administrator (so the audit log shows it as a real
administrator's work). Idempotent: the table and the agreement are made once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from hedershus.accounts.demo import DEMO_EMAIL_DOMAIN
from hedershus.accounts.models import User
from hedershus.costs import services
from hedershus.costs.models import CostAgreement, PopulationTable

# The seed's populations, shipped with the app (the same file as shared/data/kommuner-2010.csv).
POPULATION_FILE = Path(__file__).resolve().parent / "data" / "kommuner-2010.csv"
REFERENCE_DATE = dt.date(2010, 12, 31)
SOURCE_NOTE = "KSL:s remiss 2011-06-08, bilaga 4 (invånare 2010-12-31)"
AGREEMENT_NAME = "Hedershus Stockholms län"
FIRST_YEAR, LAST_YEAR = 2012, 2014
PARTS = (("Fysiskt hus", 5_000_000), ("Virtuellt hus", 1_000_000))
FIXED_SHARES = (("Polisen", 2_500), ("Landstinget", 2_500))


@dataclass(frozen=True)
class DemoCostsReport:
    created: bool
    reason: str = ""
    agreement_id: int | None = None


def demo_costs_load() -> DemoCostsReport:
    """The 2010 population table and the 2012-2014 agreement, unless they exist already.
    Needs the demo administrator (``demo_setup``)."""
    admin = User.objects.filter(email=f"administrator@{DEMO_EMAIL_DOMAIN}").first()
    if admin is None:
        return DemoCostsReport(False, "no demo administrator: run demo_setup first")
    existing = CostAgreement.objects.filter(name=AGREEMENT_NAME, first_year=FIRST_YEAR).first()
    if existing is not None:
        return DemoCostsReport(False, "the agreement exists already", existing.pk)
    # One table per reference date: an administrator may have imported the figures already.
    table = PopulationTable.objects.filter(reference_date=REFERENCE_DATE).first()
    if table is None:
        table = services.population_table_import(
            user=admin,
            reference_date=REFERENCE_DATE,
            source_note=SOURCE_NOTE,
            content=POPULATION_FILE.read_bytes(),
        )
    agreement = services.agreement_create(
        user=admin,
        name=AGREEMENT_NAME,
        first_year=FIRST_YEAR,
        last_year=LAST_YEAR,
        population_table_id=table.pk,
    )
    for name, amount in PARTS:
        services.part_add(
            user=admin,
            agreement_id=agreement.pk,
            name=name,
            amount=amount,
            first_year=FIRST_YEAR,
            last_year=LAST_YEAR,
        )
    for name, basis_points in FIXED_SHARES:
        services.share_add(user=admin, agreement_id=agreement.pk, name=name, basis_points=basis_points)
    return DemoCostsReport(True, agreement_id=agreement.pk)
