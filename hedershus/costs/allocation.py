"""Cost sharing arithmetic (R25): pure functions, no ORM, no I/O.

A year's budget (whole kronor) is split among the partners of an agreement: partners with a
fixed share (the region 25 %, the police 25 %) and the municipalities, which split what is left
by population at the agreement's reference date. Every party gets a *quota*, its exact share
of the budget as a fraction:

- a fixed partner with ``b`` basis points (1/100 of a per cent): ``budget * b / 10_000``;
- a municipality with population ``p`` of the table's total ``P``, the fixed shares summing to
  ``F`` basis points: ``budget * (10_000 - F) / 10_000 * p / P``.

The quotas add up to the budget exactly (they are ``fractions.Fraction``, never floats). The
amounts are whole kronor and add up **exactly** to the budget, by the **largest-remainder
method** (Hamilton's method; also Hare-Niemeyer): every party first gets its quota rounded
down; the kronor left over (fewer than the number of parties) go one each to the parties with
the largest fractional remainders. Every amount is therefore its quota rounded down or up,
never further from it than one krona. Source: M. L. Balinski and H. P. Young, *Fair
Representation* (2nd ed., Brookings, 2001), ch. 2 and appendix A ("Hamilton's method"); the
same rule Swedish statistics calls "största-restmetoden".

**Ties** (equal remainders, e.g. two municipalities of the same population) are broken
deterministically, never by chance or dictionary order: first the larger quota wins (the
bigger party), then the party that comes first in the input order (fixed partners in the
order the agreement lists them, then municipalities in the population table's order). So the
same agreement always gives the same kronor, on every machine.

A period's figures are the sum of its years: each year is apportioned on its own (its own
budget, the same weights), and a party's period amount is the sum of its yearly amounts, so a
partner's invoice for each year and the period total agree to the krona.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from typing import Literal

# A whole share in basis points (1/100 of a per cent): 100 % = 10 000.
WHOLE = 10_000

PartyKind = Literal["fixed", "municipality"]


class AllocationError(ValueError):
    """The inputs cannot be apportioned (shares over 100 %, nobody to give a remainder to,
    a negative amount). The message is plain English for logs; services translate."""


@dataclass(frozen=True)
class Party:
    """One partner who pays. ``weight`` is its exact share of any budget (a ``Fraction`` in
    0..1); the weights of an agreement's parties add up to 1. ``population`` is set for
    municipalities only."""

    name: str
    kind: PartyKind
    weight: Fraction
    population: int | None = None


@dataclass(frozen=True)
class Row:
    """A party's row in a year's or a period's table: ``amounts`` per year (kronor, in the
    order of ``Table.years``) and their ``total``."""

    party: Party
    amounts: tuple[int, ...]
    total: int

    @property
    def share_percent(self) -> Decimal:
        """The party's share of the budget in per cent, two decimals (half to even)."""
        return percent(self.party.weight)


@dataclass(frozen=True)
class Table:
    """Every party's kronor for ``years`` (one year, or a whole period), and the budgets."""

    years: tuple[int, ...]
    budgets: tuple[int, ...]
    rows: tuple[Row, ...]

    @property
    def total_budget(self) -> int:
        return sum(self.budgets)

    def column_totals(self) -> tuple[int, ...]:
        """Per year, the sum of the rows: equal to that year's budget (tested)."""
        return tuple(sum(row.amounts[i] for row in self.rows) for i in range(len(self.years)))


def percent(fraction: Fraction, places: int = 2) -> Decimal:
    """``fraction`` (0..1) as a per cent with ``places`` decimals, rounded half to even."""
    exact = Decimal(fraction.numerator * 100) / Decimal(fraction.denominator)
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)


def largest_remainder(total: int, weights: Sequence[Fraction | int]) -> list[int]:
    """Splits ``total`` whole units among parties in proportion to ``weights`` by the
    largest-remainder (Hamilton) method; see the module's docstring for the method, its
    source and the tie rule (larger weight first, then earlier position).

    ``total``: a whole number >= 0. ``weights``: numbers >= 0, not all 0 unless ``total``
    is 0. Returns one whole number per weight, in the same order, adding up to ``total``
    exactly; each is its quota ``total * w / sum(weights)`` rounded down or up. Raises
    ``AllocationError`` for a negative total or weight, or weights all 0 with a total > 0.
    """
    if total < 0:
        raise AllocationError("A total to share cannot be negative.")
    exact = [Fraction(weight) for weight in weights]
    if any(weight < 0 for weight in exact):
        raise AllocationError("A weight cannot be negative.")
    whole = sum(exact, Fraction(0))
    if whole == 0:
        if total == 0:
            return [0] * len(exact)
        raise AllocationError("Nobody to give the amount to: every weight is zero.")
    quotas = [total * weight / whole for weight in exact]
    amounts = [quota.numerator // quota.denominator for quota in quotas]
    left = total - sum(amounts)
    # Largest remainder first; ties: the larger quota, then the earlier position.
    order = sorted(range(len(quotas)), key=lambda i: (-(quotas[i] - amounts[i]), -quotas[i], i))
    for i in order[:left]:
        amounts[i] += 1
    return amounts


def parties(fixed: Sequence[tuple[str, int]], municipalities: Sequence[tuple[str, int]]) -> list[Party]:
    """The paying parties of an agreement, fixed partners first (in the order given), then the
    municipalities (in the population table's order).

    ``fixed``: (name, basis points 1..10 000). ``municipalities``: (name, population >= 0).
    The municipalities share ``10 000 - sum(basis points)`` by population. Raises
    ``AllocationError`` when the fixed shares pass 100 %, a share or population is negative,
    or the municipalities have a share but no inhabitants at all.
    """
    fixed_points = sum(points for _, points in fixed)
    if any(points < 0 for _, points in fixed):
        raise AllocationError("A fixed share cannot be negative.")
    if fixed_points > WHOLE:
        raise AllocationError("The fixed shares add up to more than 100 %.")
    if any(population < 0 for _, population in municipalities):
        raise AllocationError("A population cannot be negative.")
    found = [Party(name, "fixed", Fraction(points, WHOLE)) for name, points in fixed]
    rest = Fraction(WHOLE - fixed_points, WHOLE)
    inhabitants = sum(population for _, population in municipalities)
    if rest and municipalities and inhabitants == 0:
        raise AllocationError("The municipalities have a share but no inhabitants to split it by.")
    if rest and not municipalities:
        raise AllocationError("The municipalities have a share but there are none to pay it.")
    for name, population in municipalities:
        weight = rest * Fraction(population, inhabitants) if inhabitants else Fraction(0)
        found.append(Party(name, "municipality", weight, population))
    return found


def allocate(budgets: Mapping[int, int], found: Sequence[Party]) -> Table:
    """Every party's kronor for each year in ``budgets`` (year -> budget in whole kronor),
    each year apportioned on its own by ``largest_remainder``, with each party's total over
    the years. The years come out in ascending order. A year's column adds up to its budget
    exactly, and so does the total column to the sum of the budgets."""
    years = tuple(sorted(budgets))
    columns = [largest_remainder(budgets[year], [party.weight for party in found]) for year in years]
    rows = tuple(
        Row(party, amounts, sum(amounts))
        for party, amounts in zip(
            found, zip(*columns, strict=True) if columns else [()] * len(found), strict=True
        )
    )
    return Table(years, tuple(budgets[year] for year in years), rows)
