"""Reads of cost sharing that apply its access rule, and the tables computed from an agreement.

The rule (decided here, documented in docs): whoever holds ``Capability.VIEW_COST_SHARING``
(supervisors, administrators and partner professionals) reads every agreement and population
table: they are the partners' own money and contain nothing about a person. Everyone else
gets nothing (an empty queryset, ``None``), so an object view answers 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from hedershus.core.access import Capability, user_has_capability
from hedershus.core.exceptions import InvalidInput, NotFound
from hedershus.costs.allocation import AllocationError, Table, allocate, parties
from hedershus.costs.models import CostAgreement, PopulationTable

PERIOD = "period"


def agreements_visible_to(user: Any) -> QuerySet[CostAgreement]:
    """Every agreement for a reader of cost sharing, none for anyone else."""
    if not user_has_capability(user, Capability.VIEW_COST_SHARING):
        return CostAgreement.objects.none()
    return CostAgreement.objects.select_related("population_table")


def population_tables_visible_to(user: Any) -> QuerySet[PopulationTable]:
    """Every population table for a reader of cost sharing, none for anyone else."""
    if not user_has_capability(user, Capability.VIEW_COST_SHARING):
        return PopulationTable.objects.none()
    return PopulationTable.objects.all()


def agreement_get_for_user(user: Any, agreement_id: int) -> CostAgreement:
    """The agreement ``agreement_id`` if ``user`` may read it; ``NotFound`` (404) otherwise,
    the same answer as for an agreement that does not exist."""
    agreement = agreements_visible_to(user).filter(pk=agreement_id).first()
    if agreement is None:
        raise NotFound(_("No such agreement."))
    return agreement


def population_table_get_for_user(user: Any, table_id: int) -> PopulationTable:
    """The population table ``table_id`` if ``user`` may read it; ``NotFound`` otherwise."""
    table = population_tables_visible_to(user).filter(pk=table_id).first()
    if table is None:
        raise NotFound(_("No such population table."))
    return table


def scope_years(agreement: CostAgreement, scope: str) -> list[int]:
    """The years of ``scope``: all of the agreement's for "period", else the one year named
    (a year outside the agreement, or not a year, is ``NotFound``)."""
    if scope == PERIOD:
        return agreement.years
    if scope.isdigit() and len(scope) == 4 and int(scope) in agreement.years:
        return [int(scope)]
    raise NotFound(_("The agreement does not cover that year."))


@dataclass(frozen=True)
class AgreementTable:
    """What a page or export shows: the agreement, the scope ("period" or a year), the
    computed ``Table`` and the municipalities' part of the budget in per cent."""

    agreement: CostAgreement
    scope: str
    table: Table

    @property
    def is_period(self) -> bool:
        return self.scope == PERIOD


def agreement_table(agreement: CostAgreement, scope: str) -> AgreementTable:
    """The cost table of ``agreement`` for ``scope``: each year's budget is the sum of the
    parts that apply that year, split by ``allocation.allocate`` among the fixed partners (in
    the order they were added) and the municipalities of the agreement's population table (in
    the table's order). Raises ``NotFound`` for a year outside the agreement and
    ``InvalidInput`` when the shares cannot be split (see ``allocation.parties``)."""
    years = scope_years(agreement, scope)
    parts = list(agreement.parts.all())
    budgets = {year: sum(part.amount for part in parts if part.applies_in(year)) for year in years}
    fixed = [(share.name, share.basis_points) for share in agreement.fixed_shares.all()]
    municipalities = [(row.name, row.population) for row in agreement.population_table.rows.all()]
    try:
        table = allocate(budgets, parties(fixed, municipalities))
    except AllocationError as error:
        raise InvalidInput(_("This agreement cannot be split: %(reason)s") % {"reason": str(error)}) from None
    return AgreementTable(agreement, scope, table)
