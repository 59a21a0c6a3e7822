"""What the page and both exports show: the dashboard's suppressed tables, cut to the columns
the reader asked for. One function, so the page, the CSV and the XLSX always hold the same
figures (``None`` is a suppressed figure, shown as an en dash).

- With a municipality chosen (a partner professional always has theirs): each table's rows
  with two columns, that municipality and the county.
- Without (supervisors and administrators): each table with the county column, and two
  tables per municipality (contacts per channel, cases opened).
- Referrals, turnaround and assessments are county-wide only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from hedershus.statistics.selectors import COLUMNS, Dashboard, Table, column_label

Figure = int | float | None
SUPPRESSED = "–"  # noqa: RUF001 (an en dash: the typographic "no figure")


@dataclass(frozen=True)
class DisplayTable:
    """A table as shown: ``headers`` after the row heading, ``rows`` of (label, figures),
    ``total`` the last row (or None)."""

    key: str
    caption: str
    row_heading: str
    headers: list[str]
    rows: Sequence[tuple[str, Sequence[Figure]]]
    total: tuple[str, Sequence[Figure]] | None = None

    @property
    def has_suppressed(self) -> bool:
        every = [f for _label, figures in self.rows for f in figures]
        if self.total:
            every += list(self.total[1])
        return any(f is None for f in every)


def _county_column(table: Table, municipality: str) -> DisplayTable:
    county = _("County")
    result = table.result
    if municipality:
        c = [k for k, _l in table.columns].index(municipality)
        headers = [municipality, county]
        rows = [
            (label, [result.cells[r][c], result.row_totals[r]]) for r, (_key, label) in enumerate(table.rows)
        ]
        total = (_("Total"), [result.col_totals[c], result.total])
    else:
        headers = [county]
        rows = [(label, [result.row_totals[r]]) for r, (_key, label) in enumerate(table.rows)]
        total = (_("Total"), [result.total])
    return DisplayTable(table.key, table.title, table.row_heading, headers, rows, total)


def _whole(table: Table) -> DisplayTable:
    result = table.result
    many = len(table.columns) > 1
    headers = [label for _k, label in table.columns] + ([_("Total")] if many else [])
    rows = [
        (label, [*result.cells[r], *([result.row_totals[r]] if many else [])])
        for r, (_key, label) in enumerate(table.rows)
    ]
    total = (_("Total"), [*result.col_totals, *([result.total] if many else [])])
    return DisplayTable(table.key, table.title, table.row_heading, headers, rows, total)


def _per_municipality(table: Table, caption: str, key: str, *, with_rows: bool) -> DisplayTable:
    """``table`` turned so that each municipality is a row: its columns are the table's rows
    (``with_rows``) and the total, or only the total."""
    result = table.result
    headers = ([label for _k, label in table.rows] if with_rows else []) + [_("Total")]
    rows = []
    for c, place in enumerate(COLUMNS):
        inner = [result.cells[r][c] for r in range(len(table.rows))] if with_rows else []
        rows.append((column_label(place), [*inner, result.col_totals[c]]))
    total = (_("County"), [*(result.row_totals if with_rows else []), result.total])
    return DisplayTable(key, caption, _("Municipality"), headers, rows, total)


def display_tables(data: Dashboard) -> list[DisplayTable]:
    """Every table of the dashboard as the reader sees it (page, CSV and XLSX alike)."""
    out: list[DisplayTable] = []
    if data.every_municipality:
        channel = next(t for t in data.contacts if t.key == "contacts_channel")
        opened = next(t for t in data.cases if t.key == "cases_opened")
        out.append(
            _per_municipality(
                channel, _("Contacts per municipality and channel"), "contacts_place", with_rows=True
            )
        )
        out.append(
            _per_municipality(opened, _("Cases opened per municipality"), "cases_place", with_rows=False)
        )
    for table in [*data.contacts, *data.cases]:
        out.append(_county_column(table, data.municipality))
    out.append(_whole(data.referrals))
    out.append(turnaround_table(data))
    for table in data.assessments:
        out.append(_whole(table))
    return out


def turnaround_table(data: Dashboard) -> DisplayTable:
    headers = [
        pgettext("referrals", "Answered"),
        _("Days to answer, median"),
        _("Days to answer, 90th percentile"),
        pgettext("referrals", "Done"),
        _("Days to done, median"),
        _("Days to done, 90th percentile"),
    ]
    rows: list[tuple[str, list[Figure]]] = []
    for row in data.turnaround:
        figures: list[Figure] = [
            row.answered,
            row.answered_median,
            row.answered_p90,
            row.done,
            row.done_median,
            row.done_p90,
        ]
        rows.append((row.label, figures))
    total = rows.pop() if rows and data.turnaround[-1].key == "" else None
    return DisplayTable(
        "turnaround", _("Turnaround of referrals, in days from sending"), _("Partner"), headers, rows, total
    )


def method_note(data: Dashboard) -> str:
    """One sentence on suppression for the page and the files."""
    return _(
        "%(dash)s means fewer than %(n)s, or a figure from which one could be worked out. Counts below "
        "%(n)s are never shown, nor any figure that would reveal one (with the totals, or by "
        "comparing periods)."
    ) % {"n": data.threshold, "dash": SUPPRESSED}
