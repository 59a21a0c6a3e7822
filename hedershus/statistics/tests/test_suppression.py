"""The suppression rules (statistics/suppression.py): examples and properties (Hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hedershus.statistics.suppression import (
    Suppressed,
    hidden_positions,
    period_cuts,
    suppress_linked,
    suppress_table,
    window_shown,
    window_sum,
)

T = 5


def _lines(table: Suppressed) -> list[tuple[list[tuple[int, int]], tuple[int, int]]]:
    rows, cols = len(table.row_totals), len(table.col_totals)
    lines = [([(r, c) for c in range(cols)], (r, cols)) for r in range(rows + 1)]
    lines += [([(r, c) for r in range(rows)], (rows, c)) for c in range(cols + 1)]
    return lines


def _full(cells: list[list[int]], r: int, c: int) -> int:
    rows, cols = len(cells), len(cells[0])
    if r == rows and c == cols:
        return sum(map(sum, cells))
    if r == rows:
        return sum(row[c] for row in cells)
    if c == cols:
        return sum(cells[r])
    return cells[r][c]


def assert_safe(cells: list[list[int]], table: Suppressed, threshold: int) -> None:
    """No shown figure is small, and no suppressed figure follows from one line's equation."""
    rows, cols = len(cells), len(cells[0])
    for r in range(rows + 1):
        for c in range(cols + 1):
            shown = table.shown((r, c))
            if shown is not None:
                assert shown == _full(cells, r, c)
                assert shown == 0 or shown >= threshold, (r, c, shown)
    for members, total in _lines(table):
        line = [*members, total]
        hidden = [m for m in line if table.shown(m) is None]
        # One suppressed member alone in an equation would be total minus the others.
        assert len(hidden) != 1, (line, hidden)
        if hidden and table.shown(total) is not None:
            derivable = sum(_full(cells, *m) for m in hidden)
            assert derivable == 0 or derivable >= threshold


def test_a_small_cell_is_suppressed_and_so_is_a_second_in_its_row_and_column() -> None:
    cells = [[2, 10, 12], [8, 9, 20], [7, 30, 6]]
    table = suppress_table(cells, T)
    assert table.cells[0][0] is None
    # Row 0 and column 0 each get a second suppression: otherwise total minus the shown cells
    # would give the 2 back.
    assert sum(value is None for value in table.cells[0]) + (table.row_totals[0] is None) >= 2
    assert sum(row[0] is None for row in table.cells) + (table.col_totals[0] is None) >= 2
    assert_safe(cells, table, T)


def test_the_total_minus_the_shown_figures_never_reveals_a_suppressed_cell() -> None:
    # Column "Botkyrka": 1 contact by chat; the county total (margin) is shown.
    cells = [[1, 40], [25, 30], [14, 22]]
    table = suppress_table(cells, T)
    assert table.cells[0][0] is None
    total = table.col_totals[0]
    shown = [row[0] for row in table.cells if row[0] is not None]
    if total is not None:
        # Whatever is subtracted, the rest is more than one suppressed cell, never 1 exactly.
        assert len(shown) <= len(cells) - 2
    assert_safe(cells, table, T)


def test_the_sum_of_suppressed_cells_in_a_line_is_not_a_small_count() -> None:
    # 1 and 2 suppressed in one row with a shown total would tell "3 there".
    cells = [[1, 2, 50, 60], [30, 40, 50, 60]]
    table = suppress_table(cells, T)
    assert_safe(cells, table, T)
    hidden_in_row = [c for c in range(4) if table.cells[0][c] is None]
    if table.row_totals[0] is not None:
        assert sum(cells[0][c] for c in hidden_in_row) >= T


def test_zeros_are_shown_and_not_suppressed() -> None:
    table = suppress_table([[0, 12], [9, 0]], T)
    assert table.cells == ((0, 12), (9, 0))
    assert table.total == 21


def test_a_small_grand_total_is_suppressed_with_everything_it_would_give_away() -> None:
    cells = [[1, 0], [0, 2]]
    table = suppress_table(cells, T)
    assert table.total is None
    assert_safe(cells, table, T)


def test_one_column_table_hides_the_cell_and_a_complement() -> None:
    cells = [[3], [20], [30]]
    table = suppress_table(cells, T)
    assert table.cells[0][0] is None
    assert sum(row[0] is None for row in table.cells) + (table.total is None) >= 2
    assert_safe(cells, table, T)


def test_threshold_below_three_is_refused() -> None:
    with pytest.raises(ValueError):
        suppress_table([[1]], 2)


def test_negative_counts_are_refused() -> None:
    with pytest.raises(ValueError):
        suppress_table([[-1, 3]], T)


tables = st.integers(min_value=1, max_value=6).flatmap(
    lambda cols: st.lists(
        st.lists(st.one_of(st.integers(0, 6), st.integers(0, 60)), min_size=cols, max_size=cols),
        min_size=1,
        max_size=6,
    )
)


@settings(max_examples=400, deadline=None)
@given(cells=tables, threshold=st.integers(3, 8))
def test_property_no_suppressed_cell_follows_from_one_equation(
    cells: list[list[int]], threshold: int
) -> None:
    assert_safe(cells, suppress_table(cells, threshold), threshold)


@settings(max_examples=200, deadline=None)
@given(cells=tables, extra=st.sets(st.tuples(st.integers(0, 6), st.integers(0, 6)), max_size=3))
def test_property_forced_suppressions_are_kept_and_still_safe(
    cells: list[list[int]], extra: set[tuple[int, int]]
) -> None:
    table = suppress_table(cells, T, also=extra)
    rows, cols = len(cells), len(cells[0])
    for r, c in extra:
        if r <= rows and c <= cols:
            assert table.shown((r, c)) is None
    for members, total in _lines(table):
        hidden = [m for m in [*members, total] if table.shown(m) is None]
        # Alone in its line only when it is a 0 (which names no one: all of the line is 0).
        assert len(hidden) != 1 or _full(cells, *hidden[0]) == 0


@settings(max_examples=150, deadline=None)
@given(
    cols=st.integers(1, 5),
    data=st.data(),
)
def test_property_linked_tables_never_show_a_margin_another_hides(cols: int, data: st.DataObject) -> None:
    row = st.lists(st.integers(0, 30), min_size=cols, max_size=cols)
    # Two tables of the same counts split two ways: same column totals.
    first = data.draw(st.lists(row, min_size=1, max_size=4))
    totals = [sum(r[c] for r in first) for c in range(cols)]
    second = [totals]  # one row holding the totals: another split of the same count
    results = suppress_linked([first, second], T)
    for c in range(cols):
        assert (results[0].col_totals[c] is None) == (results[1].col_totals[c] is None)
    assert (results[0].total is None) == (results[1].total is None)
    for cells, table in zip([first, second], results, strict=True):
        assert_safe(cells, table, T)


# --- differencing between periods -------------------------------------------------------------


def test_two_periods_differing_by_one_contact_do_not_both_show() -> None:
    """Jan-Mar has 40 contacts, April 1: Jan-Apr minus Jan-Mar would name April's person."""
    monthly = [15, 12, 13, 1]
    jan_mar = window_shown(monthly, 0, 2, T)
    jan_apr = window_shown(monthly, 0, 3, T)
    assert not (jan_mar and jan_apr)


@settings(max_examples=400, deadline=None)
@given(
    monthly=st.lists(st.one_of(st.integers(0, 3), st.integers(0, 20)), min_size=1, max_size=24),
    threshold=st.integers(3, 7),
)
def test_property_any_two_shown_periods_differ_by_zero_or_at_least_the_threshold(
    monthly: list[int], threshold: int
) -> None:
    n = len(monthly)
    shown = [
        (first, last)
        for first in range(n)
        for last in range(first, n)
        if window_shown(monthly, first, last, threshold)
    ]
    for first, last in shown:
        value = window_sum(monthly, first, last)
        assert value == 0 or value >= threshold
    # Every quantity an attacker can get from shown periods is a stretch between two cut
    # points (a difference of prefix sums at cuts): 0 or at least the threshold.
    cuts = sorted(period_cuts(monthly, threshold))
    for i, a in enumerate(cuts):
        for b in cuts[i + 1 :]:
            stretch = sum(monthly[a:b])
            assert stretch == 0 or stretch >= threshold
    for f1, l1 in shown:
        for f2, l2 in shown:
            if (f1 == f2) or (l1 == l2):  # nested periods: the difference is a period too
                diff = abs(window_sum(monthly, f1, l1) - window_sum(monthly, f2, l2))
                assert diff == 0 or diff >= threshold


def test_busy_counts_show_over_every_period() -> None:
    monthly = [9, 7, 12, 5, 30]
    assert all(window_shown(monthly, f, la, T) for f in range(5) for la in range(f, 5))


def test_hidden_positions_lists_margins_too() -> None:
    table = suppress_table([[1, 0], [0, 2]], T)
    assert (2, 2) in hidden_positions(table)


# --- the dashboard's own table building, over any month-by-month data ------------------------


@settings(max_examples=150, deadline=None)
@given(
    data=st.lists(
        st.tuples(
            st.integers(0, 5),
            st.sampled_from(["phone", "sms"]),
            st.sampled_from(["A", "B"]),
            st.integers(1, 4),
        ),
        max_size=25,
    ),
    first=st.integers(0, 5),
    length=st.integers(1, 6),
    shift=st.integers(1, 3),
)
def test_property_two_views_of_nested_periods_never_differ_by_a_small_count(data, first, length, shift):
    """Two views that share a first month but end ``shift`` months apart (Jan-Mar against
    Jan-Apr): for every figure shown in both, the difference is 0 or at least the threshold,
    so the later months' few contacts are never given away by subtraction."""
    import datetime as dt

    from hedershus.statistics.selectors import Cube, Period, _table_cells, add_months

    epoch = dt.date(2025, 1, 1)
    cube = Cube(epoch=epoch, months=12)
    for month, row, col, n in data:
        cube.counts[(month, row, col)] = cube.counts.get((month, row, col), 0) + n
    start = add_months(epoch, first)
    short = Period(start, add_months(start, length - 1))
    long = Period(start, add_months(start, length - 1 + shift))
    views = []
    for period in (short, long):
        cells, also = _table_cells(cube, ["phone", "sms"], ["A", "B"], period, T)
        views.append(suppress_table(cells, T, also=also))
    for r in range(3):
        for c in range(3):
            a, b = views[0].shown((r, c)), views[1].shown((r, c))
            if a is not None and b is not None:
                assert b - a == 0 or b - a >= T


# --- the referral tables: status and turnaround, linked (the attacker's finding) -------------

# Statuses as the referral table's columns: sent, received, accepted, declined, done, withdrawn.
ANSWER_COLUMNS = (2, 3, 4)
DONE_COLUMN = 4


def _referral_equations(
    kinds: int, cols: int
) -> list[tuple[list[tuple[str, int, int]], tuple[str, int, int]]]:
    """Every equation a reader has: each table's rows and columns with totals, done = Done,
    answered = Accepted + Declined + Done, total = Sent + Received + Withdrawn + answered
    (per kind and for all)."""
    eqs = []
    for name, width in (("status", cols), ("answered", 1), ("done", 1)):
        for members, total in _lines_of(kinds, width):
            eqs.append(([(name, *m) for m in members], (name, *total)))
    for r in range(kinds + 1):
        eqs.append(([("status", r, DONE_COLUMN)], ("done", r, 0)))
        eqs.append(([("status", r, c) for c in ANSWER_COLUMNS], ("answered", r, 0)))
        others = [("status", r, c) for c in range(cols) if c not in ANSWER_COLUMNS]
        eqs.append(([*others, ("answered", r, 0)], ("status", r, cols)))
    return eqs


def _lines_of(rows: int, cols: int) -> list[tuple[list[tuple[int, int]], tuple[int, int]]]:
    lines = [([(r, c) for c in range(cols)], (r, cols)) for r in range(rows + 1)]
    lines += [([(r, c) for r in range(rows)], (rows, c)) for c in range(cols + 1)]
    return lines


def _figures(status: list[list[int]]) -> dict[tuple[str, int, int], int]:
    answered = [[sum(row[c] for c in ANSWER_COLUMNS)] for row in status]
    done = [[row[DONE_COLUMN]] for row in status]
    out = {}
    for name, cells in (("status", status), ("answered", answered), ("done", done)):
        for r in range(len(cells) + 1):
            for c in range(len(cells[0]) + 1):
                out[(name, r, c)] = _full(cells, r, c)
    return out


def _assert_referrals_safe(status: list[list[int]], threshold: int) -> None:
    from hedershus.statistics.suppression import suppress_referrals

    figures = _figures(status)
    answered = [figures[("answered", r, 0)] for r in range(len(status))]
    done = [figures[("done", r, 0)] for r in range(len(status))]
    results = dict(
        zip(
            ("status", "answered", "done"),
            suppress_referrals(
                status, answered, done, threshold, answer_columns=ANSWER_COLUMNS, done_column=DONE_COLUMN
            ),
            strict=True,
        )
    )

    def shown(key: tuple[str, int, int]) -> int | None:
        name, r, c = key
        return results[name].shown((r, c))

    for key, value in figures.items():
        if shown(key) is not None:
            assert shown(key) == value
            assert value == 0 or value >= threshold, (key, value)
    for members, total in _referral_equations(len(status), len(status[0])):
        line = [*members, total]
        hidden = [m for m in line if shown(m) is None]
        assert len(hidden) != 1, (line, hidden)
        if hidden and shown(total) is not None:
            derivable = sum(figures[m] for m in hidden)
            assert derivable == 0 or derivable >= threshold, (line, hidden, derivable)


def test_the_attackers_referrals_no_longer_reveal_a_hidden_status() -> None:
    """2025-05 - 2025-06: Kommun 9 referrals, 1 sent, 0 received, 0 accepted, 1 declined,
    7 done; 8 answered. Before: Skickat = 9 - 8 = 1 and Avböjd = 9 - 1 - 0 - 7 = 1."""
    status = [[1, 0, 0, 1, 7, 0], [0, 0, 6, 0, 5, 0], [0, 0, 0, 0, 0, 0]]
    _assert_referrals_safe(status, 5)


referral_tables = st.integers(1, 4).flatmap(
    lambda kinds: st.lists(
        st.lists(st.integers(0, 12), min_size=6, max_size=6), min_size=kinds, max_size=kinds
    )
)


@settings(max_examples=300, deadline=None)
@given(status=referral_tables, threshold=st.integers(3, 6))
def test_property_no_hidden_referral_figure_follows_from_one_equation_of_either_table(
    status: list[list[int]], threshold: int
) -> None:
    _assert_referrals_safe(status, threshold)
