"""The dashboard's tables as CSV and XLSX (issue 12, item 3): the same suppressed figures as
the page (``presentation.display_tables``), never more.

- **CSV**: UTF-8 with a byte order mark (so a spreadsheet reads å, ä, ö), comma-separated.
  First the title, the period, the municipality and the suppression note; then each table:
  its caption, a header row, its rows and its total row, and an empty line. A suppressed
  figure is an en dash (the page's sign), medians with a full stop.
- **XLSX**: written by openpyxl: one sheet per table, numbers as numbers, the dash as text,
  header rows bold and frozen.

Text that starts like a formula (``=``, ``+``, ``-``, ``@``, tab, carriage return) gets a
leading apostrophe in the CSV and is stored as a text cell in the XLSX, as cost sharing's
exports do (CSV injection). Labels here are the platform's own, but a future label must not
become a formula either.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from hedershus.statistics.presentation import SUPPRESSED, DisplayTable, Figure, method_note
from hedershus.statistics.selectors import Dashboard

FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def text_safe(value: str) -> str:
    """A text a spreadsheet shows as text: a leading apostrophe defuses a formula."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def filename(data: Dashboard, fmt: str) -> str:
    """``statistik-<from>-<to>[-<municipality>].<fmt>``, ASCII only."""
    place = ""
    if data.municipality:
        ascii_name = data.municipality.translate(str.maketrans("åäöÅÄÖé ", "aaoAAOe-"))
        place = "-" + "".join(ch for ch in ascii_name if ch.isascii() and (ch.isalnum() or ch == "-"))
    return f"statistik-{data.period.first:%Y-%m}-{data.period.last:%Y-%m}{place}.{fmt}"


def title(data: Dashboard) -> str:
    place = data.municipality or (_("every municipality") if data.every_municipality else _("the county"))
    return _("Follow-up statistics %(first)s to %(last)s, %(place)s") % {
        "first": f"{data.period.first:%Y-%m}",
        "last": f"{data.period.last:%Y-%m}",
        "place": place,
    }


def _figure(value: Figure) -> Any:
    return SUPPRESSED if value is None else value


def _lines(table: DisplayTable) -> list[list[Any]]:
    lines: list[list[Any]] = [[table.row_heading, *table.headers]]
    rows: Sequence[tuple[str, Sequence[Figure]]] = list(table.rows)
    if table.total is not None:
        rows = [*rows, table.total]
    for label, figures in rows:
        lines.append([label, *(_figure(value) for value in figures)])
    return lines


def _csv_cell(cell: Any) -> Any:
    return text_safe(cell) if isinstance(cell, str) and cell != SUPPRESSED else cell


def as_csv(data: Dashboard, tables: Sequence[DisplayTable]) -> str:
    """Every table one after the other (see the module's docstring)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([text_safe(title(data))])
    writer.writerow([text_safe(method_note(data))])
    writer.writerow([])
    for table in tables:
        writer.writerow([text_safe(table.caption)])
        for line in _lines(table):
            writer.writerow(
                [text_safe(cell) if isinstance(cell, str) and cell != SUPPRESSED else cell for cell in line]
            )
        writer.writerow([])
    return "\ufeff" + buffer.getvalue()


def as_xlsx(data: Dashboard, tables: Sequence[DisplayTable]) -> bytes:
    """One sheet per table, after a first sheet with the title and the suppression note."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    about = book.active
    assert about is not None
    about.title = _("About")[:31]
    for text in (title(data), method_note(data)):
        about.append([text])
        about.cell(row=about.max_row, column=1).data_type = "s"
    about["A1"].font = Font(bold=True, size=13)
    for index, table in enumerate(tables, start=1):
        sheet = book.create_sheet(f"{index:02d} {table.key}"[:31])
        sheet.append([table.caption])
        sheet["A1"].font = Font(bold=True)
        sheet["A1"].data_type = "s"
        header_row = sheet.max_row + 1
        for line in _lines(table):
            sheet.append(line)
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # never a formula, whatever the text starts with
                elif isinstance(cell.value, float):
                    cell.number_format = "0.0"
        for cell in sheet[header_row]:
            cell.font = Font(bold=True)
        if table.total is not None:
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=True)
        sheet.freeze_panes = sheet.cell(row=header_row + 1, column=2)
        sheet.column_dimensions["A"].width = 30
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
