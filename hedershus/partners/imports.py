"""Reading a partner register file (CSV or XLSX) into checked rows, before anything is saved.

The layout (docs: ``hedershus/partners/examples/README.md``; example files beside it):
the first row names the columns, in any order; ``organisation`` and ``unit`` are required,
every other column is optional, and an unknown column name is an error (a typo must not
silently drop a field). Lists in one cell are separated by ``;``. Yes/no cells take
``yes``/``no``, ``ja``/``nej``, ``true``/``false``, ``1``/``0`` or empty.

``rows_read(content, filename)`` returns ``(kind, rows)`` or raises ``ImportRefused`` with
every problem found, each by line (the spreadsheet's row number, header = 1) and column.
The file's kind is decided by its bytes, not its name: an XLSX is a ZIP holding
``xl/workbook.xml``; a CSV is UTF-8 text without NUL bytes. Anything else is refused.
A CSV's separator is ``,``, ``;`` (Swedish Excel) or a tab, told by its header line
(``csv_delimiter``). A cell longer than ``CELL_MAX`` characters is reported by line and column
as too long, for CSV and XLSX alike, without its text.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, replace

from django.utils.translation import gettext as _

from hedershus.partners.models import PartnerOrganisation
from hedershus.partners.services import ImportRow
from hedershus.partners.validation import (
    TEXT_MAX,
    OrganisationData,
    UnitData,
    clean_codes,
    clean_names,
    clean_text,
    organisation_problems,
    unit_problems,
)

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2_000
# An XLSX is compressed: its parts, unpacked, may be at most this big (a "zip bomb" is not).
MAX_UNPACKED_BYTES = 40 * 1024 * 1024
MAX_PROBLEMS = 100
# Cells read per row of a workbook (the layout has 20 columns; more are an unknown column).
MAX_COLUMNS = 64
# The longest cell read: the longest field holds TEXT_MAX characters. A longer cell is
# reported as too long (its text is never repeated in a message) and not checked further.
CELL_MAX = TEXT_MAX
# Lines read at all, empty ones included: a sheet of a million empty rows is refused, not walked.
MAX_LINES = 2 * MAX_ROWS + 1

# Column → (UnitData or OrganisationData field, kind of cell).
COLUMNS: dict[str, tuple[str, str]] = {
    "organisation": ("organisation.name", "text"),
    "organisation_kind": ("organisation.kind", "code"),
    "organisation_municipality": ("organisation.municipality", "place"),
    "org_number": ("organisation.org_number", "text"),
    "unit": ("name", "text"),
    "services": ("services", "codes"),
    "municipalities": ("municipalities", "places"),
    "districts": ("districts", "places"),
    "languages": ("languages", "codes"),
    "audiences": ("audiences", "codes"),
    "opening_hours": ("opening_hours", "text"),
    "phone": ("phone", "text"),
    "email": ("email", "text"),
    "address": ("address", "text"),
    "web": ("web", "text"),
    "capacity_free": ("capacity_free", "number"),
    "on_platform": ("on_platform", "bool"),
    "public": ("public", "bool"),
    "public_description": ("public_description", "text"),
    "active": ("active", "bool"),
}
REQUIRED_COLUMNS = ("organisation", "unit")
_BOOLS = {
    "": None, "yes": True, "no": False, "ja": True, "nej": False, "true": True, "false": False,
    "1": True, "0": False, "y": True, "n": False, "j": True,
}  # fmt: skip
_DEFAULT_BOOLS = {"on_platform": False, "public": False, "active": True}


@dataclass(frozen=True)
class Problem:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        if not self.line:  # the file as a whole (its kind, size, emptiness)
            return self.message
        if self.column:
            return _("Line %(line)s, column %(column)s: %(message)s") % {
                "line": self.line,
                "column": self.column,
                "message": self.message,
            }
        return _("Line %(line)s: %(message)s") % {"line": self.line, "message": self.message}


class ImportRefused(Exception):
    """The file cannot be imported; ``problems`` says why (nothing was saved)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def _refuse(message: str, line: int = 0, column: str = "") -> ImportRefused:
    return ImportRefused([Problem(line, column, message)])


def _cell_too_long(line: int, where: str) -> Problem:
    return Problem(line, where, _("The cell is too long: at most %(max)s characters.") % {"max": CELL_MAX})


def file_kind(content: bytes) -> str:
    """``"xlsx"`` or ``"csv"`` by the bytes; ``ImportRefused`` for anything else."""
    if content.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names = set(archive.namelist())
                unpacked = sum(info.file_size for info in archive.infolist())
        except zipfile.BadZipFile:
            raise _refuse(_("The file is damaged: it is neither a CSV nor an Excel file (XLSX).")) from None
        if "xl/workbook.xml" not in names:
            raise _refuse(_("This is not an Excel workbook (XLSX): upload a CSV or XLSX file."))
        if unpacked > MAX_UNPACKED_BYTES:
            raise _refuse(_("The workbook is too big when unpacked."))
        return "xlsx"
    if b"\x00" in content:
        raise _refuse(_("This is not a CSV or Excel (XLSX) file: save the sheet as CSV (UTF-8) or XLSX."))
    try:
        content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _refuse(_("This is not a CSV file in UTF-8: save the sheet as CSV (UTF-8) or XLSX.")) from None
    return "csv"


def csv_delimiter(header_line: str) -> str:
    """The separator of a CSV file, from its header line: ``;`` (what Excel saves in a
    Swedish locale), a tab, or ``,`` (the default, and the choice when none or a tie).
    Column names contain none of them, so the header line is unambiguous where the rows are
    not (a cell may hold a list with ``;`` or a text with ``,``: ``csv.Sniffer`` guessed
    wrong on such files). The same rule as the costs app's population import."""
    counts = {delimiter: header_line.count(delimiter) for delimiter in (",", ";", "\t")}
    best = max(counts.values())
    return next(d for d in (",", ";", "\t") if counts[d] == best) if best else ","


class _CellTooLong(Exception):
    """A CSV cell longer than the csv module reads (``csv.field_size_limit``): ``line`` of the
    record and the 0-based ``index`` of the cell, when found."""

    def __init__(self, line: int, index: int | None) -> None:
        super().__init__(line, index)
        self.line, self.index = line, index


def _long_cell_index(text: str, line: int, delimiter: str, limit: int) -> int | None:
    """The 0-based index of the first cell longer than ``limit`` characters in the record that
    starts on ``line`` (1-based, lines as the csv reader counts them), read by the csv
    module's rules for quotes; ``None`` when none is found."""
    lines = io.StringIO(text, newline="").readlines()
    rest = "".join(lines[line - 1 :]) if 0 < line <= len(lines) else ""
    index, length, quoted, position = 0, 0, False, 0
    while position < len(rest):
        char = rest[position]
        position += 1
        if quoted:
            if char == '"':
                if rest[position : position + 1] == '"':
                    position += 1
                    length += 1
                else:
                    quoted = False
            else:
                length += 1
        elif char == '"' and length == 0:
            quoted = True
        elif char == delimiter:
            index, length = index + 1, 0
        elif char in "\r\n":
            return None
        else:
            length += 1
        if length > limit:
            return index
    return None


def _csv_rows(content: bytes) -> Iterator[tuple[int, list[str]]]:
    text = content.decode("utf-8-sig")
    delimiter = csv_delimiter(text.split("\n", 1)[0])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    try:
        for cells in reader:
            yield start, cells
            start = reader.line_num + 1
    except csv.Error as error:
        if "field limit" in str(error):
            limit = csv.field_size_limit()
            raise _CellTooLong(start, _long_cell_index(text, start, delimiter, limit)) from None
        raise _refuse(
            _("The CSV cannot be read (a quotation mark may be missing or misplaced)."), reader.line_num
        ) from None


def _xlsx_rows(content: bytes) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a damaged file
        raise _refuse(_("The Excel file cannot be read: save it again as XLSX.")) from None
    try:
        sheet = workbook.worksheets[0]
        # A sheet names its own size; a crafted one may claim a million columns.
        rows = sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)
        for number, values in enumerate(rows, start=1):
            yield number, ["" if value is None else _cell_text(value) for value in values]
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def rows_read(content: bytes) -> tuple[str, list[ImportRow]]:
    """Checks a whole file and returns ``(kind, rows)``; ``ImportRefused`` with every problem
    found (at most ``MAX_PROBLEMS``) when any row is bad: then nothing may be imported.

    Besides each cell's own rules (``validation``): an organisation or unit name repeated
    within the file is an error (which row should win?), a new organisation needs a kind,
    and a row may not give an organisation two different kinds.
    """
    if len(content) > MAX_BYTES:
        raise _refuse(_("The file is bigger than %(mb)s MB.") % {"mb": MAX_BYTES // (1024 * 1024)})
    if not content:
        raise _refuse(_("The file is empty."))
    kind = file_kind(content)
    source = _xlsx_rows(content) if kind == "xlsx" else _csv_rows(content)
    header: list[str] | None = None
    problems: list[Problem] = []
    rows: list[ImportRow] = []
    seen_units: dict[tuple[str, str], int] = {}
    kinds: dict[str, str] = {}
    existing = dict(PartnerOrganisation.objects.values_list("name", "kind"))
    try:
        for line, cells in source:
            if header is None:
                header = [clean_text(cell).lower() for cell in cells]
                while header and not header[-1]:
                    header.pop()
                _header_check(header, line, kind)
                continue
            if line > MAX_LINES:
                raise _refuse(_("The file has more than %(max)s rows.") % {"max": MAX_ROWS}, line)
            if not any(clean_text(cell) for cell in cells):
                continue
            if len(rows) >= MAX_ROWS:
                raise _refuse(_("The file has more than %(max)s rows.") % {"max": MAX_ROWS}, line)
            row, row_problems = _row_read(header, cells, line, kind)
            problems.extend(row_problems)
            if row is not None:
                key = (row.organisation.name, row.unit.name)
                if key in seen_units:
                    problems.append(
                        Problem(
                            line,
                            "unit",
                            _("This unit is already on line %(line)s.") % {"line": seen_units[key]},
                        )
                    )
                seen_units.setdefault(key, line)
                given_kind = row.organisation.kind
                if given_kind:
                    if kinds.setdefault(row.organisation.name, given_kind) != given_kind:
                        problems.append(
                            Problem(
                                line,
                                "organisation_kind",
                                _("Another line gives this organisation another kind."),
                            )
                        )
                elif row.organisation.name not in existing and row.organisation.name not in kinds:
                    problems.append(
                        Problem(line, "organisation_kind", _("A new organisation needs its kind."))
                    )
                rows.append(row)
            if len(problems) >= MAX_PROBLEMS:
                break
    except _CellTooLong as long_cell:
        if long_cell.index is None:
            raise _refuse(_("A cell is too long."), long_cell.line) from None
        column = header[long_cell.index] if header and long_cell.index < len(header) else "?"
        raise ImportRefused([_cell_too_long(long_cell.line, _where(column, long_cell.index, kind))]) from None
    if header is None:
        raise _refuse(_("The file is empty."))
    if problems:
        raise ImportRefused(problems[:MAX_PROBLEMS])
    if not rows:
        raise _refuse(_("The file has a header but no rows."), 2)
    # A row that names an existing organisation without a kind keeps the stored one; a later
    # row of a new organisation without a kind takes the kind of its first row.
    rows = [
        replace(row, organisation=replace(row.organisation, kind=kinds.get(row.organisation.name, "")))
        if not row.organisation.kind
        else row
        for row in rows
    ]
    return kind, rows


def _header_check(header: list[str], line: int, kind: str) -> None:
    problems: list[Problem] = []
    for index, name in enumerate(header):
        if len(name) > CELL_MAX:
            problems.append(_cell_too_long(line, _where("?", index, kind)))
            continue
        where = _where(name or "?", index, kind)
        if name not in COLUMNS:
            problems.append(
                Problem(
                    line,
                    where,
                    _("Unknown column %(name)r: the columns are %(names)s.")
                    % {"name": name, "names": ", ".join(COLUMNS)},
                )
            )
        elif header.index(name) != index:
            problems.append(Problem(line, where, _("This column appears twice.")))
    for name in REQUIRED_COLUMNS:
        if name not in header:
            problems.append(Problem(line, "", _("The column %(name)r is missing.") % {"name": name}))
    if problems:
        raise ImportRefused(problems)


def _where(column: str, index: int, kind: str) -> str:
    return f"{column} ({_column_letter(index)})" if kind == "xlsx" else f"{column} ({index + 1})"


def _row_read(
    header: list[str], cells: list[str], line: int, kind: str
) -> tuple[ImportRow | None, list[Problem]]:
    problems: list[Problem] = []
    where = {name: _where(name, index, kind) for index, name in enumerate(header)}
    if len(cells) > len(header) and any(clean_text(cell) for cell in cells[len(header) :]):
        problems.append(Problem(line, "", _("The row has more cells than the header has columns.")))
    values: dict[str, object] = {}
    organisation: dict[str, object] = {"kind": ""}
    too_long: set[str] = set()  # columns already reported: their other rules are not checked
    for index, name in enumerate(header):
        raw = cells[index] if index < len(cells) else ""
        target, cell_kind = COLUMNS[name]
        if len(raw) > CELL_MAX:
            problems.append(_cell_too_long(line, where[name]))
            too_long.add(name)
            raw = ""
        value: object
        if cell_kind == "text":
            value = clean_text(raw)
        elif cell_kind == "code":
            value = clean_text(raw).lower()
        elif cell_kind == "place":
            value = next(iter(clean_names([raw])), "")
        elif cell_kind == "codes":
            value = clean_codes(raw.split(";"))
        elif cell_kind == "places":
            value = clean_names(raw.split(";"))
        elif cell_kind == "number":
            text = clean_text(raw)
            if not text:
                value = None
            elif text.isdigit():
                value = int(text)
            else:
                problems.append(Problem(line, where[name], _("Give a whole number, or leave it empty.")))
                value = None
        else:  # bool
            flag = _BOOLS.get(clean_text(raw).lower(), "bad")
            if flag == "bad":
                problems.append(Problem(line, where[name], _("Write yes or no.")))
                flag = None
            value = _DEFAULT_BOOLS[name] if flag is None else flag
        if target.startswith("organisation."):
            organisation[target.removeprefix("organisation.")] = value
        else:
            values[target] = value
    keep = frozenset({"capacity_free"}) if values.get("capacity_free") is None else frozenset()
    unit = UnitData(**values, keep=keep)  # type: ignore[arg-type]
    org = OrganisationData(**organisation)  # type: ignore[arg-type]
    for field, message in unit_problems(unit):
        column = "unit" if field == "name" else field
        if column not in too_long:
            problems.append(Problem(line, where.get(column, column), message))
    for field, message in organisation_problems(org):
        column = {
            "name": "organisation",
            "kind": "organisation_kind",
            "municipality": "organisation_municipality",
        }.get(field, field)
        # An empty kind is checked against the register by rows_read (an existing one may omit it).
        if (field == "kind" and not org.kind) or column in too_long:
            continue
        problems.append(Problem(line, where.get(column, column), message))
    if problems:
        return None, problems
    return ImportRow(line, org, unit), []
