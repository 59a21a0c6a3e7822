"""The cost table as CSV, XLSX and PDF (R25). Every export holds the same rows as the page.

- **CSV**: machine-readable, the same in every language: UTF-8 with a byte order mark (so a
  spreadsheet reads å, ä, ö), comma-separated, plain integers and per cents with a full stop.
  Columns: ``partner, kind, population, share_percent``, one ``amount_<year>`` per year, and
  ``total``; the last row is the total (kind ``total``). ``manage.py costs_table`` prints the same.
- **XLSX**: written by openpyxl (a real workbook, not hand-written XML): numbers as numbers,
  a header row in the reader's language, frozen; every text cell stored as text.
- **PDF**: laid out by ReportLab's platypus: the table repeats its header on each page;
  the font is the Bitstream Vera TrueType that ReportLab ships (embedded, so å, ä, ö print
  on any machine without system fonts).

A name that starts like a formula (``=``, ``+``, ``-``, ``@``) gets a leading apostrophe in
the CSV and is stored as a text cell in the XLSX, so no spreadsheet runs it (CSV injection).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from hedershus.core.pdf import pdf_fonts
from hedershus.costs.selectors import AgreementTable

FORMATS = ("csv", "xlsx", "pdf")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> str:
    """A cell a spreadsheet shows as text: a leading apostrophe defuses a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def kind_label(kind: str) -> str:
    """The reader's word for a row's kind (fixed partner, municipality, total)."""
    return {"fixed": _("Fixed share"), "municipality": _("Municipality"), "total": _("Total")}.get(kind, kind)


def filename(data: AgreementTable, fmt: str) -> str:
    """``kostnadsfordelning-<agreement id>-<scope>.<fmt>``: ASCII only, no name in it."""
    return f"kostnadsfordelning-{data.agreement.pk}-{data.scope}.{fmt}"


def _machine_rows(data: AgreementTable) -> list[list[Any]]:
    table = data.table
    header: list[Any] = ["partner", "kind", "population", "share_percent"]
    header += [f"amount_{year}" for year in table.years] + ["total"]
    rows: list[list[Any]] = [header]
    for row in table.rows:
        population = "" if row.party.population is None else row.party.population
        rows.append([row.party.name, row.party.kind, population, row.share_percent, *row.amounts, row.total])
    inhabitants = sum(row.party.population or 0 for row in table.rows)
    rows.append(
        [
            "",
            "total",
            inhabitants,
            Decimal("100.00"),
            *table.column_totals(),
            sum(r.total for r in table.rows),
        ]
    )
    return rows


def as_csv(data: AgreementTable) -> str:
    """The table as CSV text (see the module's docstring for the columns)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in _machine_rows(data):
        writer.writerow([csv_safe(cell) if isinstance(cell, str) else str(cell) for cell in row])
    return "\ufeff" + buffer.getvalue()


def reader_header(data: AgreementTable) -> list[str]:
    """The column titles in the reader's language (page, XLSX, PDF)."""
    years = [str(year) for year in data.table.years]
    amounts = [_("Kronor %(year)s") % {"year": year} for year in years]
    last = [_("Kronor, whole period")] if data.is_period else []
    return [_("Partner"), _("Kind"), _("Population"), _("Share (%)"), *amounts, *last]


def reader_rows(data: AgreementTable) -> list[list[Any]]:
    """(name, kind, population or None, share per cent, amounts…[, total]) for each party and
    the total row."""
    table = data.table
    rows: list[list[Any]] = []
    for row in table.rows:
        last = [row.total] if data.is_period else []
        rows.append(
            [
                row.party.name,
                kind_label(row.party.kind),
                row.party.population,
                row.share_percent,
                *row.amounts,
                *last,
            ]
        )
    inhabitants = sum(row.party.population or 0 for row in table.rows)
    last = [sum(r.total for r in table.rows)] if data.is_period else []
    rows.append([_("Total"), "", inhabitants, Decimal("100.00"), *table.column_totals(), *last])
    return rows


def title(data: AgreementTable) -> str:
    agreement = data.agreement
    if data.is_period:
        text = _("%(name)s: cost sharing %(first)s–%(last)s")  # noqa: RUF001
        return text % {"name": agreement.name, "first": agreement.first_year, "last": agreement.last_year}
    return _("%(name)s: cost sharing %(year)s") % {"name": agreement.name, "year": data.scope}


def method_note(data: AgreementTable) -> str:
    """One sentence on how the figures were made, for the page, the XLSX and the PDF."""
    return _(
        "Populations on %(date)s. Amounts in whole kronor, rounded by the largest-remainder "
        "method so that they add up exactly to the budget."
    ) % {"date": data.agreement.population_table.reference_date.isoformat()}


def as_xlsx(data: AgreementTable) -> bytes:
    """The table as an XLSX workbook (one sheet), headers in the reader's language."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = data.scope if not data.is_period else f"{data.table.years[0]}-{data.table.years[-1]}"
    sheet.append([title(data)])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet["A1"].data_type = "s"
    sheet.append([method_note(data)])
    sheet.append([])
    header_row = sheet.max_row + 1
    sheet.append(reader_header(data))
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
    for values in reader_rows(data):
        sheet.append([float(value) if isinstance(value, Decimal) else value for value in values])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever the name starts with
            elif isinstance(cell.value, float):
                cell.number_format = "0.00"
            elif isinstance(cell.value, int):
                cell.number_format = "#,##0"
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=2)
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 16
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _number(value: Any) -> str:
    if value is None or value == "":
        return ""
    return number_format(value, force_grouping=True) if isinstance(value, (int, Decimal)) else str(value)


def as_pdf(data: AgreementTable) -> bytes:
    """The table as a PDF (A4; landscape for a period of more than one year)."""
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    regular, bold = pdf_fonts()
    wide = len(data.table.years) > 1
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4) if wide else A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=title(data),
        author="Hedershus",
    )
    heading = ParagraphStyle("heading", fontName=bold, fontSize=14, leading=18)
    body = ParagraphStyle("body", fontName=regular, fontSize=9, leading=12)
    cell = ParagraphStyle("cell", fontName=regular, fontSize=8, leading=10)
    rows: list[Sequence[Any]] = [reader_header(data)]
    for values in reader_rows(data):
        name = Paragraph(escape(str(values[0])), cell)
        rows.append([name, values[1], *(_number(value) for value in values[2:])])
    table = Table(rows, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), regular, 8),
                ("FONT", (0, 0), (-1, 0), bold, 8),
                ("FONT", (0, -1), (-1, -1), bold, 8),
                ("ALIGN", (2, 0), (-1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.75, colors.black),
                ("LINEABOVE", (0, -1), (-1, -1), 0.75, colors.black),
                ("ROWBACKGROUNDS", (0, 1), (-1, -2), [colors.white, colors.HexColor("#f2f4f7")]),
            ]
        )
    )
    generated = _("Made %(when)s.") % {"when": timezone.localtime().strftime("%Y-%m-%d %H:%M")}
    story = [
        Paragraph(escape(title(data)), heading),
        Spacer(1, 3 * mm),
        Paragraph(escape(method_note(data) + " " + generated), body),
        Spacer(1, 4 * mm),
        table,
    ]
    document.build(story)
    return buffer.getvalue()
