"""Statistical disclosure control for the follow-up tables (R24): pure functions, no ORM.

No figure may point at a person. The method is the one national statistical offices publish
frequency tables with, as described in Eurostat's *Handbook on Statistical Disclosure
Control* (Hundepool et al., ESSnet SDC, version 1.2, 2010; chapter 5 "Frequency tables":
the threshold rule, primary and secondary suppression, linked tables) and in SCB's guidance
on *röjandekontroll* of tables (Statistiska centralbyrån, "Röjandekontroll av tabeller",
Metodrapport; the *tröskelvärdesregel*, threshold rule):

1. **Threshold rule (primary suppression).** A count ``c`` with ``0 < c < threshold`` is
   suppressed: in an inner cell, a row or column total and the grand total alike. The
   threshold is ``settings.STATISTICS_MIN_CELL`` (5 by default, never below 3).
   **Zeros are shown**: a 0 says nobody is in the cell, which names no one (a cell is a
   count of contacts, cases or referrals, not of persons' attributes). The limit of this is
   *group disclosure*: a row whose every contact is in one column says that column holds for
   everyone of the row (see the docs' "limits").
2. **Complementary (secondary) suppression.** A table is seen with its margins as a set of
   *lines*: every row (its cells and its row total) and every column (its cells and its
   column total), the row of column totals with the grand total, the column of row totals
   with the grand total. Each line is one equation (cells add up to the total). A line with
   exactly one suppressed member would give that member away by subtraction, so a second
   member is suppressed: the smallest other non-zero inner cell (ties: one whose crossing
   line already has a suppression, then the first), or the line's total when no inner cell
   will do. And when the total of a line is shown, the suppressed members of the line add up
   to a figure anyone can compute (total minus the shown cells): if that sum is below the
   threshold (but not 0), one more member is suppressed, so the derivable sum is never a
   small count either. Repeated over all lines until nothing changes.
3. **Linked tables** (several tables sharing margins, as the contact tables share the
   municipality totals): a margin suppressed in one table is suppressed in all of them, and
   the tables are suppressed again until stable (``suppress_linked``). The referral table
   (kind x status) and the turnaround table (answered, done per kind) are linked by more
   than margins: *done* is the same figure in both, and answered = Accepted + Declined +
   Done (so also total = Sent + Received + Withdrawn + answered). ``suppress_referrals``
   treats every equation of both tables and these relations as one system
   (``suppress_equations``), iterated until stable.
4. **Differencing between periods** (``period_cuts``, ``window_shown``): see those functions.
   Two views whose periods differ by a month with one contact would give that contact away
   by subtraction. So each count is published only over periods that begin and end at its
   *cut points*: month boundaries chosen, from the first month with data, each time the
   count since the last cut reaches the threshold (or is still 0). Every period between two
   cut points then holds 0 or at least ``threshold``, and so does the difference of any two
   shown periods of the same count (it is itself a period between cut points). A count whose
   period does not start and end at cut points is suppressed like a small one.
5. **Only completed months** (``selectors.last_complete_month``). The month we are in is
   never counted (the default period ends with the last month that has ended in
   Europe/Stockholm; a period reaching into this month is refused): its figures grew day by
   day, so two snapshots a day apart differed by exactly one new contact. The limit left:
   figures of a closed month still change when staff record a contact late with a past
   date, so two snapshots of a closed period can still differ by one. A frozen monthly
   snapshot (the figures computed once when the month closes) would close it; not built.

The guarantee checked by the property tests (``tests/test_suppression.py``): after
``suppress_table``, every shown figure is 0 or at least the threshold, and no line has
exactly one suppressed member, nor a shown total whose suppressed members add up to a small
count; so no suppressed cell can be computed exactly from one row or column equation.
Combinations of several equations at once (a system over rows, columns and periods
together) are not audited: a known limit of threshold rule with secondary suppression
without linear programming (the Handbook, 5.4), documented in the docs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

MIN_THRESHOLD = 3

# A position in the table with its margins: (row, col); row == R is the column totals, col ==
# C the row totals, (R, C) the grand total.
Cell = tuple[int, int]


@dataclass(frozen=True)
class Suppressed:
    """A table after suppression: ``None`` where a figure is suppressed.

    ``cells[r][c]`` inner counts, ``row_totals[r]``, ``col_totals[c]``, ``total``."""

    cells: tuple[tuple[int | None, ...], ...]
    row_totals: tuple[int | None, ...]
    col_totals: tuple[int | None, ...]
    total: int | None

    def shown(self, cell: Cell) -> int | None:
        """The figure at ``cell`` (margins included), ``None`` when suppressed."""
        rows, cols = len(self.row_totals), len(self.col_totals)
        r, c = cell
        if r == rows and c == cols:
            return self.total
        if r == rows:
            return self.col_totals[c]
        if c == cols:
            return self.row_totals[r]
        return self.cells[r][c]


def check_threshold(threshold: int) -> int:
    """``threshold`` itself; ``ValueError`` below ``MIN_THRESHOLD`` (3)."""
    if threshold < MIN_THRESHOLD:
        raise ValueError(f"the threshold must be at least {MIN_THRESHOLD}")
    return threshold


def is_small(value: int, threshold: int) -> bool:
    """The threshold rule: a count from 1 to ``threshold - 1``. 0 is not small."""
    return 0 < value < threshold


def _grid(cells: Sequence[Sequence[int]]) -> list[list[int]]:
    """The table with its margins as an (R+1) x (C+1) grid of figures."""
    rows = len(cells)
    cols = len(cells[0]) if rows else 0
    grid = [[*row, sum(row)] for row in (list(r) for r in cells)]
    column_totals = [sum(cells[r][c] for r in range(rows)) for c in range(cols)]
    grid.append([*column_totals, sum(column_totals)])
    return grid


def _lines(rows: int, cols: int) -> list[tuple[list[Cell], Cell]]:
    """Every equation of the table: (its inner members, its total)."""
    lines: list[tuple[list[Cell], Cell]] = []
    for r in range(rows + 1):  # each row, and the row of column totals
        lines.append(([(r, c) for c in range(cols)], (r, cols)))
    for c in range(cols + 1):  # each column, and the column of row totals
        lines.append(([(r, c) for r in range(rows)], (rows, c)))
    return lines


def suppress_table(
    cells: Sequence[Sequence[int]],
    threshold: int,
    *,
    also: frozenset[Cell] | set[Cell] = frozenset(),
) -> Suppressed:
    """Suppresses ``cells`` (R rows x C columns of counts >= 0) and its margins.

    ``also``: positions (``Cell``, margins included: row R / column C) to suppress from the
    start besides the small ones (a period that does not fall on cut points; a margin
    suppressed in a linked table). Returns the table with ``None`` where suppressed. Pure and
    deterministic: the same table gives the same result. ``ValueError`` for a negative count,
    ragged rows or a threshold below 3. The method: the module's docstring (Eurostat SDC
    Handbook ch. 5; SCB's threshold rule).
    """
    check_threshold(threshold)
    rows = len(cells)
    cols = len(cells[0]) if rows else 0
    if any(len(row) != cols for row in cells):
        raise ValueError("every row must have the same number of columns")
    if any(value < 0 for row in cells for value in row):
        raise ValueError("counts are never negative")
    grid = _grid(cells)
    hidden: set[Cell] = {
        (r, c) for r in range(rows + 1) for c in range(cols + 1) if is_small(grid[r][c], threshold)
    }
    hidden |= {(r, c) for (r, c) in also if 0 <= r <= rows and 0 <= c <= cols}
    lines = _lines(rows, cols)

    def crossing_has_hidden(cell: Cell, in_row: bool) -> bool:
        r, c = cell
        other = [(k, c) for k in range(rows + 1)] if in_row else [(r, k) for k in range(cols + 1)]
        return any(o in hidden for o in other if o != cell)

    def pick(members: list[Cell], total: Cell, in_row: bool) -> Cell | None:
        candidates = [m for m in members if m not in hidden and grid[m[0]][m[1]] > 0]
        if candidates:
            return min(
                candidates,
                key=lambda m: (grid[m[0]][m[1]], not crossing_has_hidden(m, in_row), m),
            )
        if total not in hidden and grid[total[0]][total[1]] > 0:
            return total
        return None

    changed = True
    while changed:
        changed = False
        for index, (members, total) in enumerate(lines):
            in_row = index <= rows
            line = [*members, total]
            count = sum(1 for m in line if m in hidden)
            if count == 0:
                continue
            need = count == 1
            if not need and total not in hidden:
                derivable = sum(grid[m[0]][m[1]] for m in members if m in hidden)
                need = is_small(derivable, threshold)
            if need:
                chosen = pick(members, total, in_row)
                if chosen is not None:
                    hidden.add(chosen)
                    changed = True
    return _result(grid, hidden, rows, cols)


def _result(grid: list[list[int]], hidden: set[Cell], rows: int, cols: int) -> Suppressed:
    def value(r: int, c: int) -> int | None:
        return None if (r, c) in hidden else grid[r][c]

    return Suppressed(
        cells=tuple(tuple(value(r, c) for c in range(cols)) for r in range(rows)),
        row_totals=tuple(value(r, cols) for r in range(rows)),
        col_totals=tuple(value(rows, c) for c in range(cols)),
        total=value(rows, cols),
    )


def hidden_positions(table: Suppressed) -> set[Cell]:
    """The suppressed positions of ``table`` (margins included)."""
    rows, cols = len(table.row_totals), len(table.col_totals)
    return {(r, c) for r in range(rows + 1) for c in range(cols + 1) if table.shown((r, c)) is None}


def suppress_linked(
    tables: Sequence[Sequence[Sequence[int]]],
    threshold: int,
    *,
    also: Sequence[frozenset[Cell] | set[Cell]] | None = None,
) -> list[Suppressed]:
    """Suppresses tables that share their column totals and grand total (the same columns,
    the same count: e.g. contacts per channel and per age group, both per municipality).

    A shared margin suppressed in one table is suppressed in all, and all are suppressed
    again until nothing changes, so no table shows a margin another one hides (the
    Handbook's *linked tables*, 5.5). ``also``: per table, as for ``suppress_table``.
    """
    extra = [set(a) for a in (also or [frozenset()] * len(tables))]
    shared: set[int] = set()  # column indexes whose total is hidden; cols means the grand total
    while True:
        results = []
        for table, more in zip(tables, extra, strict=True):
            rows = len(table)
            forced = {(rows, c) for c in shared}
            results.append(suppress_table(table, threshold, also=more | forced))
        now: set[int] = set()
        for result in results:
            cols = len(result.col_totals)
            now |= {c for c in range(cols) if result.col_totals[c] is None}
            if result.total is None:
                now.add(cols)
        if now <= shared:
            return results
        shared |= now


# --- differencing between periods ------------------------------------------------------------


def period_cuts(monthly: Sequence[int], threshold: int) -> frozenset[int]:
    """The cut points of one count's month-by-month series (``monthly[k]`` for month k,
    from the first month with data): boundaries 0..len(monthly), where boundary k lies
    before month k. 0 is a cut; after it, boundary k is a cut when the months since the last
    cut add up to 0 or to at least ``threshold``. So every stretch between two cuts holds 0 or
    at least ``threshold``.

    The rule depends only on the series from its first month, never on the period asked for,
    so every view of the same count uses the same cuts (that is what defeats differencing).
    """
    check_threshold(threshold)
    cuts = {0}
    running = 0
    for k, value in enumerate(monthly, start=1):
        if value < 0:
            raise ValueError("counts are never negative")
        running += value
        if running == 0 or running >= threshold:
            cuts.add(k)
            running = 0
    return frozenset(cuts)


def window_shown(monthly: Sequence[int], first: int, last: int, threshold: int) -> bool:
    """Whether the count over months ``first..last`` (indexes into ``monthly``, inclusive)
    may be shown: both ends fall on cut points (``period_cuts``). A month before the series
    is counted as 0 (boundary 0), one after it continues the series with zeros."""
    if last < first:
        return True
    n = len(monthly)
    series = list(monthly) + [0] * max(0, last + 1 - n)
    cuts = period_cuts(series, threshold)
    start = max(first, 0)
    return start in cuts and (last + 1) in cuts


def window_sum(monthly: Sequence[int], first: int, last: int) -> int:
    """The count over months ``first..last`` (inclusive; outside the series counts as 0)."""
    return sum(monthly[max(first, 0) : max(last + 1, 0)])


# --- linked tables with equations of any shape (referrals and their turnaround) -------------


Key = tuple[str, int, int]  # (table name, row, column): a position in one of several tables


def suppress_equations(
    values: dict[Key, int],
    equations: Sequence[tuple[Sequence[Key], Key]],
    threshold: int,
    *,
    also: set[Key] | frozenset[Key] = frozenset(),
    same: Sequence[tuple[Key, Key]] = (),
) -> set[Key]:
    """The positions to suppress in a system of linked tables, given as figures and equations.

    ``values``: every figure (inner cells and totals of every table) by ``Key``.
    ``equations``: (members, total): the members add up to the total (a row, a column, the
    totals, or a relation between tables, e.g. answered = accepted + declined + done).
    ``same``: pairs of positions that are the same figure in two tables: suppressed in both
    when in either. ``also``: suppressed from the start (cut points). Returns the suppressed
    positions. The rules are ``suppress_table``'s (threshold, one suppressed member per
    equation is never alone, a shown total never leaves a small derivable sum), applied to
    every equation of every table until nothing changes (the Handbook's *linked tables*,
    5.5). A second member is the smallest non-zero shown member (ties: the first in order),
    else the total. Pure and deterministic. ``ValueError`` for a negative count or a
    threshold below 3.
    """
    check_threshold(threshold)
    if any(v < 0 for v in values.values()):
        raise ValueError("counts are never negative")
    hidden: set[Key] = {k for k, v in values.items() if is_small(v, threshold)}
    hidden |= {k for k in also if k in values}

    def close() -> bool:
        grew = False
        for a, b in same:
            if (a in hidden) != (b in hidden):
                hidden.update((a, b))
                grew = True
        return grew

    changed = True
    while changed:
        changed = close()
        for members, total in equations:
            line = [*members, total]
            count = sum(1 for m in line if m in hidden)
            if count == 0:
                continue
            need = count == 1
            if not need and total not in hidden:
                derivable = values[total] - sum(values[m] for m in members if m not in hidden)
                need = is_small(abs(derivable), threshold)
            if not need:
                continue
            candidates = [m for m in members if m not in hidden and values[m] > 0]
            chosen: Key | None = None
            if candidates:
                chosen = min(candidates, key=lambda m: values[m])
            elif total not in hidden and values[total] > 0:
                chosen = total
            if chosen is not None:
                hidden.add(chosen)
                changed = True
        changed = close() or changed
    return hidden


def table_equations(name: str, rows: int, cols: int) -> list[tuple[list[Key], Key]]:
    """The equations of one table with its margins (``_lines``), as ``Key``s of ``name``."""
    return [([(name, r, c) for r, c in members], (name, *total)) for members, total in _lines(rows, cols)]


def table_values(name: str, cells: Sequence[Sequence[int]]) -> dict[Key, int]:
    """Every figure of one table with its margins, as ``Key``s of ``name``."""
    grid = _grid(cells)
    return {(name, r, c): v for r, line in enumerate(grid) for c, v in enumerate(line)}


def table_result(name: str, cells: Sequence[Sequence[int]], hidden: set[Key]) -> Suppressed:
    """The table ``name`` as a ``Suppressed`` with the positions of ``hidden`` left out."""
    rows = len(cells)
    cols = len(cells[0]) if rows else 0
    own = {(r, c) for (n, r, c) in hidden if n == name}
    return _result(_grid(cells), own, rows, cols)


def suppress_referrals(
    status: Sequence[Sequence[int]],
    answered: Sequence[int],
    done: Sequence[int],
    threshold: int,
    *,
    answer_columns: Sequence[int],
    done_column: int,
    also_status: set[Cell] | frozenset[Cell] = frozenset(),
    also_answered: set[Cell] | frozenset[Cell] = frozenset(),
    also_done: set[Cell] | frozenset[Cell] = frozenset(),
) -> tuple[Suppressed, Suppressed, Suppressed]:
    """The referral tables suppressed as one linked system: ``status`` (kinds x statuses),
    ``answered`` and ``done`` (per kind: the turnaround table's counts).

    The turnaround's *done* per kind is the status table's *done* column (``done_column``),
    the same figure: hidden in one, hidden in both. *Answered* per kind is the sum of the
    status table's ``answer_columns`` (accepted, declined, done): an equation like a row's,
    and so is a row with *answered* in place of those columns (total = the other statuses +
    answered).
    Without this, Summa - Besvarad - Mottagen - Återkallat gave a hidden "Skickat" away (the
    attacker's finding). Returns (status, answered, done) as ``Suppressed`` (the last two one
    column each, their total the county's).
    """
    kinds = len(status)
    cols = len(status[0]) if kinds else 0
    answered_cells = [[n] for n in answered]
    done_cells = [[n] for n in done]
    values = {
        **table_values("status", status),
        **table_values("answered", answered_cells),
        **table_values("done", done_cells),
    }
    equations = [
        *table_equations("status", kinds, cols),
        *table_equations("answered", kinds, 1),
        *table_equations("done", kinds, 1),
    ]
    same: list[tuple[Key, Key]] = []
    for r in range(kinds + 1):  # each kind, and the totals row
        same.append((("status", r, done_column), ("done", r, 0)))
        equations.append(([("status", r, c) for c in answer_columns], ("answered", r, 0)))
        # The row with answered in place of its parts: Sent = Total - Answered - Received -
        # Withdrawn was the attacker's equation.
        others = [("status", r, c) for c in range(cols) if c not in answer_columns]
        equations.append(([*others, ("answered", r, 0)], ("status", r, cols)))
    # A one-column table's row total is its cell: the same figure.
    for name in ("answered", "done"):
        same += [((name, r, 0), (name, r, 1)) for r in range(kinds + 1)]
    also: set[Key] = {("status", r, c) for r, c in also_status}
    also |= {("answered", r, c) for r, c in also_answered}
    also |= {("done", r, c) for r, c in also_done}
    hidden = suppress_equations(values, equations, threshold, also=also, same=same)
    return (
        table_result("status", status, hidden),
        table_result("answered", answered_cells, hidden),
        table_result("done", done_cells, hidden),
    )
