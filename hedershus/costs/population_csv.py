"""Reading a population file (R25): pure, no ORM. The layout is that of
``shared/data/kommuner-2010.csv``::

    nr,kommun,invanare_2010_12_31
    1,Botkyrka,82608
    ...

Three columns: the municipality's number, its name, and its population; the third header may
carry the reference date (``invanare_YYYY_MM_DD``, or ``invånare_…``). A file saved by a Swedish
spreadsheet works too: semicolons instead of commas, Windows-1252 instead of UTF-8, a byte order
mark, spaces as thousands separators ("82 608"). Everything wrong is reported at once, each
problem by line and column; a file with any problem gives no rows at all.

A table for cost sharing holds exactly the county's municipalities
(``hedershus.core.places.MUNICIPALITIES``, Stockholm County's 26): every name must be one of them,
spelt exactly so (after trimming spaces and invisible direction marks, and in Unicode's composed
form, so a file from a Mac reads the same), each once, none left out. Otherwise the table would
bill a municipality that does not exist, or let one off.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hedershus.core.places import MUNICIPALITIES
from hedershus.core.text import bidi_controls_strip, has_visible_text

# A county has a few dozen municipalities and Sweden 290; more lines than this is another file.
MAX_ROWS = 1000
MAX_BYTES = 200_000
NAME_MAX = 80
POPULATION_MAX = 100_000_000
# Problems listed before the rest are summed up in one line.
MAX_PROBLEMS = 30

_HEADER_DATE = re.compile(r"^inv[aå]nare(?:_(\d{4})_(\d{2})_(\d{2}))?$", re.IGNORECASE)
_DIGITS = re.compile(r"^[0-9]+$")
# Thousands separators people type: space, no-break space, narrow no-break space.
_SEPARATORS = str.maketrans("", "", " \u00a0\u202f")


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the file: ``line`` (1 is the header; 0: the whole file), the
    ``column`` name ("" for a whole line) and a message for the person who uploaded it."""

    line: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.line == 0:
            return self.message
        if self.column:
            return _("Line %(line)s, column “%(column)s”: %(message)s") % {
                "line": self.line,
                "column": self.column,
                "message": self.message,
            }
        return _("Line %(line)s: %(message)s") % {"line": self.line, "message": self.message}


class PopulationFileInvalid(ValueError):
    """The file cannot be imported; ``problems`` says where and why (never empty)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(problem) for problem in problems))
        self.problems = problems


@dataclass(frozen=True)
class PopulationRow:
    number: int
    name: str
    population: int


@dataclass(frozen=True)
class PopulationFile:
    """A file read without problems: its rows, and the date its header names (or None)."""

    rows: tuple[PopulationRow, ...]
    header_date: dt.date | None

    @property
    def total(self) -> int:
        return sum(row.population for row in self.rows)


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        # What a Swedish Excel writes for "CSV": Windows-1252 (å, ä, ö are single bytes there).
        return content.decode("cp1252", errors="strict")


def _header_date(cell: str) -> tuple[bool, dt.date | None]:
    """(whether the third header is a population column, the date it names)."""
    match = _HEADER_DATE.match(cell.strip())
    if match is None:
        return False, None
    if match.group(1) is None:
        return True, None
    try:
        return True, dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return False, None


def _whole(cell: str) -> int | None:
    text = cell.strip().translate(_SEPARATORS)
    return int(text) if _DIGITS.match(text) else None


def _quoted(names: Collection[str]) -> str:
    # Translators: a name in quotation marks, in the language's own ones (Swedish ”…”).
    return ", ".join(_("“%(name)s”") % {"name": name} for name in names)


def parse_population_csv(
    content: bytes, *, municipalities: Collection[str] | None = MUNICIPALITIES
) -> PopulationFile:
    """Reads ``content`` (the uploaded file's bytes) in the layout of the module's docstring.

    ``municipalities``: the names the file must hold, each exactly once (by default the
    county's 26, ``core.places.MUNICIPALITIES``; ``None`` only in tests of the file's shape).

    Returns a ``PopulationFile`` with one row per municipality in the file's order. Raises
    ``PopulationFileInvalid`` listing every problem (by line and column): not text, too big,
    a wrong header, a row with more or fewer than three cells, a number or population that is
    not a whole number, an empty or too long name, a number or name twice, a name that is not
    one of ``municipalities`` (by line), any of them missing (by name), no rows, or a total
    population of 0. Never raises anything else.
    """
    known = {name.casefold(): name for name in municipalities or ()}
    if len(content) > MAX_BYTES:
        raise PopulationFileInvalid([Problem(0, "", _("The file is too large for a population table."))])
    try:
        text = _decode(content)
    except UnicodeDecodeError:
        raise PopulationFileInvalid([Problem(0, "", _("The file is not a text (CSV) file."))]) from None
    if "\x00" in text:
        raise PopulationFileInvalid([Problem(0, "", _("The file is not a text (CSV) file."))])
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise PopulationFileInvalid(
            [Problem(1, "", _("The file is empty: the first line must be the header."))]
        )
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    problems: list[Problem] = []
    try:
        records = list(reader)
    except csv.Error:
        raise PopulationFileInvalid([Problem(0, "", _("The file is not a valid CSV file."))]) from None
    header = [bidi_controls_strip(cell).strip() for cell in records[0]] if records else []
    expected = _("nr, kommun, invanare_YYYY_MM_DD (number, municipality, population)")
    if len(header) != 3:
        raise PopulationFileInvalid(
            [Problem(1, "", _("The header must have three columns: %(expected)s.") % {"expected": expected})]
        )
    is_population, header_date = _header_date(header[2])
    if header[0].lower() != "nr" or header[1].lower() != "kommun" or not is_population:
        raise PopulationFileInvalid(
            [Problem(1, "", _("The header must be: %(expected)s.") % {"expected": expected})]
        )
    names = [header[0], header[1], header[2]]
    rows: list[PopulationRow] = []
    seen_numbers: dict[int, int] = {}
    seen_names: dict[str, int] = {}
    present: set[str] = set()
    data = records[1:]
    if len(data) > MAX_ROWS:
        raise PopulationFileInvalid(
            [Problem(0, "", _("The file has more than %(max)s rows.") % {"max": MAX_ROWS})]
        )
    for line, record in enumerate(data, start=2):
        if not any(cell.strip() for cell in record):
            continue  # a blank line (a spreadsheet often ends with one)
        if len(record) != 3:
            problems.append(
                Problem(line, "", _("Expected 3 cells, found %(count)s.") % {"count": len(record)})
            )
            continue
        number = _whole(record[0])
        name = unicodedata.normalize("NFC", " ".join(bidi_controls_strip(record[1]).split()))
        population = _whole(record[2])
        if number is None or number == 0:
            problems.append(Problem(line, names[0], _("Write the municipality's number as a whole number.")))
        elif number in seen_numbers:
            problems.append(
                Problem(
                    line,
                    names[0],
                    _("Number %(number)s is already on line %(line)s.")
                    % {"number": number, "line": seen_numbers[number]},
                )
            )
        if not has_visible_text(name):
            problems.append(Problem(line, names[1], _("The municipality's name is empty.")))
        elif len(name) > NAME_MAX:
            problems.append(
                Problem(line, names[1], _("The name is longer than %(max)s characters.") % {"max": NAME_MAX})
            )
        elif name.casefold() in seen_names:
            problems.append(
                Problem(
                    line,
                    names[1],
                    _("“%(name)s” is already on line %(line)s.")
                    % {"name": name, "line": seen_names[name.casefold()]},
                )
            )
        elif municipalities is not None and name not in municipalities:
            spelt = known.get(name.casefold())
            if spelt is None:
                message = _("“%(name)s” is not a municipality of Stockholm County.") % {"name": name}
            else:
                message = _("“%(name)s” is not a municipality of Stockholm County: write “%(known)s”.") % {
                    "name": name,
                    "known": spelt,
                }
            problems.append(Problem(line, names[1], message))
        if population is None:
            problems.append(
                Problem(line, names[2], _("Write the population as a whole number (digits only)."))
            )
        elif population > POPULATION_MAX:
            problems.append(Problem(line, names[2], _("The population is implausibly large.")))
        if number is not None and number not in seen_numbers:
            seen_numbers[number] = line
        if has_visible_text(name) and name.casefold() not in seen_names:
            seen_names[name.casefold()] = line
            present.add(name)
        if number and population is not None and has_visible_text(name):
            rows.append(PopulationRow(number, name, population))
    missing = [name for name in municipalities or () if name not in present]
    if not problems and not rows:
        problems.append(Problem(0, "", _("The file has a header but no municipalities.")))
        missing = []
    if not problems and not missing and sum(row.population for row in rows) == 0:
        problems.append(Problem(0, "", _("The municipalities' populations add up to 0.")))
    if len(problems) > MAX_PROBLEMS:
        more = len(problems) - MAX_PROBLEMS
        problems = [
            *problems[:MAX_PROBLEMS],
            Problem(0, "", _("… and %(count)s more problems.") % {"count": more}),
        ]
    if missing:
        # Always shown, after the lines' problems, whatever their number.
        problems.append(
            Problem(
                0,
                "",
                ngettext(
                    "Missing municipality of Stockholm County: %(names)s.",
                    "Missing municipalities of Stockholm County: %(names)s.",
                    len(missing),
                )
                % {"names": _quoted(missing)},
            )
        )
    if problems:
        raise PopulationFileInvalid(problems)
    return PopulationFile(tuple(rows), header_date)
