"""Builders for cost sharing's tests: the seed's 2010 populations and agreement."""

from __future__ import annotations

from typing import Any

from hedershus.costs import services
from hedershus.costs.demo import FIXED_SHARES, PARTS, POPULATION_FILE, REFERENCE_DATE
from hedershus.costs.models import CostAgreement, PopulationTable


def county_file(
    *, header: str = "nr,kommun,invanare_2010_12_31", replace: dict[str, str] | None = None
) -> bytes:
    """The seed's population file (the county's 26 municipalities) with ``header`` as its first
    line and, in ``replace``, whole lines swapped (the seed's line -> the new line, or "" to
    leave it out)."""
    lines = POPULATION_FILE.read_text(encoding="utf-8").splitlines()
    body = [(replace or {}).get(line, line) for line in lines[1:]]
    return "\n".join([header, *(line for line in body if line)]).encode() + b"\n"


def population_make(admin: Any, content: bytes | None = None) -> PopulationTable:
    """The 2010 population table (the seed's file), imported by ``admin``; without ``content``
    the one already imported is reused (a reference date holds one table)."""
    if content is None:
        existing = PopulationTable.objects.filter(reference_date=REFERENCE_DATE).first()
        if existing is not None:
            return existing
    return services.population_table_import(
        user=admin,
        reference_date=REFERENCE_DATE,
        source_note="test",
        content=POPULATION_FILE.read_bytes() if content is None else content,
    )


def agreement_make(admin: Any, *, parts: bool = True, shares: bool = True) -> CostAgreement:
    """The seed's agreement, 2012-2014: 5 + 1 MSEK a year, police and county council 25 % each."""
    table = population_make(admin)
    agreement = services.agreement_create(
        user=admin, name="Hedershus", first_year=2012, last_year=2014, population_table_id=table.pk
    )
    if parts:
        for name, amount in PARTS:
            services.part_add(
                user=admin,
                agreement_id=agreement.pk,
                name=name,
                amount=amount,
                first_year=2012,
                last_year=2014,
            )
    if shares:
        for name, points in FIXED_SHARES:
            services.share_add(user=admin, agreement_id=agreement.pk, name=name, basis_points=points)
    return agreement
