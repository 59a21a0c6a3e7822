"""The arithmetic of cost sharing (allocation.py): whole kronor that add up exactly, by the
largest-remainder method, with ties broken by a documented rule."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hedershus.costs.allocation import (
    AllocationError,
    allocate,
    largest_remainder,
    parties,
    percent,
)


def test_amounts_add_up_exactly_where_rounding_each_would_not():
    # Three equal parties of 100 kr: 33.33 each; rounding each gives 99.
    assert largest_remainder(100, [1, 1, 1]) == [34, 33, 33]
    assert sum(largest_remainder(100, [1, 1, 1])) == 100


def test_the_largest_remainders_get_the_kronor_left_over():
    # Quotas 10 * (0.14, 0.33, 0.53) = 1.4, 3.3, 5.3: floors 1, 3, 5 (9), one krona left,
    # which goes to the largest remainder (0.4, the first party).
    assert largest_remainder(10, [14, 33, 53]) == [2, 3, 5]


def test_ties_go_to_the_larger_quota_then_to_the_earlier_party():
    # Remainders all 0.5: weights 1, 3, 1 of 5 kr -> quotas 1, 3, 1 (no tie); use 1 kr:
    # quotas 0.2, 0.6, 0.2 -> the 0.6 gets it.
    assert largest_remainder(1, [1, 3, 1]) == [0, 1, 0]
    # Equal quotas, equal remainders: the earlier position wins, whatever the order of equals.
    assert largest_remainder(1, [1, 1]) == [1, 0]
    assert largest_remainder(2, [1, 1, 1]) == [1, 1, 0]
    # Equal remainders (0.5) but different quotas (2.5 and 0.5): the larger quota wins.
    assert largest_remainder(3, [1, 5]) == [0, 3]  # quotas 0.5, 2.5 -> 0 + 1 left -> second
    assert largest_remainder(3, [5, 1]) == [3, 0]


def test_a_tie_is_broken_the_same_way_every_time():
    weights = [Fraction(1, 7)] * 7
    assert {tuple(largest_remainder(10, weights)) for _ in range(20)} == {(2, 2, 2, 1, 1, 1, 1)}


def test_a_municipality_of_zero_population_pays_nothing():
    found = parties([("Polisen", 2500)], [("A", 0), ("B", 100), ("C", 300)])
    table = allocate({2012: 1000}, found)
    # 187.5 and 562.5: a tie of remainders, which the larger quota wins.
    assert [row.amounts[0] for row in table.rows] == [250, 0, 187, 563]
    assert table.column_totals() == (1000,)


def test_shares_over_100_per_cent_are_refused():
    with pytest.raises(AllocationError, match="more than 100"):
        parties([("Region", 6000), ("Polisen", 5000)], [("A", 1)])


def test_shares_of_exactly_100_per_cent_leave_the_municipalities_nothing():
    table = allocate({2012: 999}, parties([("Region", 5000), ("Polisen", 5000)], [("A", 0), ("B", 0)]))
    assert [row.amounts[0] for row in table.rows] == [500, 499, 0, 0]


def test_municipalities_with_a_share_but_no_inhabitants_are_refused():
    with pytest.raises(AllocationError, match="no inhabitants"):
        parties([("Polisen", 2500)], [("A", 0)])


def test_nobody_to_pay_is_refused_and_a_zero_budget_is_all_zeros():
    with pytest.raises(AllocationError):
        largest_remainder(5, [0, 0])
    assert largest_remainder(0, [0, 0]) == [0, 0]
    with pytest.raises(AllocationError):
        largest_remainder(-1, [1])


def test_a_period_sums_its_years_and_each_year_adds_up():
    found = parties([("Polisen", 2500), ("Region", 2500)], [("A", 3), ("B", 7), ("C", 11)])
    table = allocate({2014: 1_000_001, 2012: 6_000_000, 2013: 7}, found)
    assert table.years == (2012, 2013, 2014)
    assert table.column_totals() == table.budgets == (6_000_000, 7, 1_000_001)
    assert sum(row.total for row in table.rows) == table.total_budget
    assert all(row.total == sum(row.amounts) for row in table.rows)


def test_shares_in_per_cent_are_exact_to_two_decimals():
    found = parties([("Polisen", 2500)], [("A", 1), ("B", 2)])
    assert [percent(party.weight) for party in found] == [
        percent(Fraction(1, 4)),
        percent(Fraction(1, 4)),
        percent(Fraction(1, 2)),
    ]
    assert str(percent(Fraction(1, 3))) == "33.33"
    assert str(percent(Fraction(1, 8))) == "12.50"


budgets = st.integers(min_value=0, max_value=10**11)
weight_lists = st.lists(st.integers(min_value=0, max_value=10**7), min_size=1, max_size=40).filter(any)


@given(budgets, weight_lists)
def test_any_budget_splits_into_whole_kronor_within_one_of_the_exact_quota(budget, weights):
    amounts = largest_remainder(budget, weights)
    assert sum(amounts) == budget
    whole = sum(weights)
    for amount, weight in zip(amounts, weights, strict=True):
        quota = Fraction(budget * weight, whole)
        assert quota - 1 < amount < quota + 1
        assert amount >= 0


@given(budgets, weight_lists)
def test_the_split_does_not_depend_on_anything_but_its_inputs(budget, weights):
    assert largest_remainder(budget, weights) == largest_remainder(budget, list(weights))


@given(
    st.lists(st.integers(min_value=1, max_value=3000), max_size=3),
    st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=30).filter(any),
    st.dictionaries(st.integers(min_value=2000, max_value=2010), budgets, min_size=1, max_size=5),
)
def test_any_agreement_adds_up_exactly_every_year_and_over_the_period(points, populations, years):
    fixed = [(f"P{i}", p) for i, p in enumerate(points)]
    municipalities = [(f"M{i}", p) for i, p in enumerate(populations)]
    table = allocate(years, parties(fixed, municipalities))
    assert table.column_totals() == tuple(years[year] for year in sorted(years))
    assert sum(row.total for row in table.rows) == sum(years.values())
    assert sum(party.weight for party in (row.party for row in table.rows)) == 1
