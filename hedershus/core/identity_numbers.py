"""Swedish personal identity numbers (personnummer) and coordination numbers
(samordningsnummer): parsing, checking and masking. Pure functions, no models. Shared by
the case apps (persons, the free-text detector) and accounts (the number recorded for e-ID
sign-in); ``hedershus.cases.identity`` re-exports it.

Rules (Skatteverket, SKV 704): ten digits YYMMDD-NNNC or twelve YYYYMMDDNNNC, "-" or "+"
(over 100 years old) optional; C is the Luhn check digit over the ten-digit form's first nine
digits; the date must exist; a coordination number has 60 added to the day.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

_PATTERN = re.compile(r"^(\d{2})?(\d{6})([-+]?)(\d{4})$")


def luhn_valid(digits: str) -> bool:
    """Whether ``digits`` (a string of digits, check digit last) passes the Luhn rule."""
    if not digits.isdigit():
        return False
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def identity_number_normalise(raw: str, *, today: dt.date | None = None) -> str | None:
    """The twelve-digit form ``YYYYMMDDNNNC`` of a valid personnummer or samordningsnummer,
    or ``None`` if ``raw`` is not one (wrong shape, no such date, or Luhn check failing).

    A ten-digit number's century is the latest that puts the birth date in the past, one
    century earlier with "+" (the form for those 100 or older), as Skatteverket writes them.
    """
    today = today or dt.date.today()
    match = _PATTERN.match(raw.strip().replace(" ", ""))
    if match is None:
        return None
    century, yymmdd, separator, tail = match.groups()
    if not luhn_valid(yymmdd + tail):
        return None
    year2, month, day = int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:6])
    if day > 60:  # samordningsnummer
        day -= 60
    if century is not None:
        year = int(century) * 100 + year2
    else:
        year = (today.year // 100) * 100 + year2
        if year > today.year:
            year -= 100
        if separator == "+":
            year -= 100
    try:
        born = dt.date(year, month, day)
    except ValueError:
        return None
    if born > today:
        return None
    return f"{year:04d}{yymmdd[2:]}{tail}"


def identity_number_mask(number: str) -> str:
    """``YYYYMMDD-****``: enough to tell two people apart in a list, not enough to identify."""
    if len(number) != 12:
        return "****"
    return f"{number[:8]}-****"


# Something shaped like a personnummer or samordningsnummer, in text already made plain by
# ``identity_plain``: a date of six or eight digits (or its groups joined by dots: 12.12.12,
# 1912.12.12), then "-", "+", "." or nothing, with any spaces around it, then four digits; not
# inside a longer run of digits. A match counts only when it is a valid number (a real date
# and the Luhn check), so an ordinary ten-digit phone number is refused
# only by the rare chance that it passes both. ``\s*(?:[-+.]\s*)?`` rather than
# ``\s*[-+.]?\s*``: the same language without two stars fighting over a run of spaces.
_IDENTITY_SHAPE = re.compile(
    r"(?<!\d)(?P<date>(?:\d{2})?\d{6}|(?:\d{2})?\d{2}\.\d{2}\.\d{2})"
    r"\s*(?:(?P<separator>[-+./])\s*)?"
    r"(?P<tail>\d{4})(?!\d)",
    re.ASCII,
)
# The date's groups joined by dashes or spaces, the same joiner before the last four digits
# ("1975-06-04-9811", "1975 06 04 9811"; found by a tester in a data-subject request's note).
# One joiner throughout, so an ISO date and a time ("2024-01-15 1030") is not taken for one.
_IDENTITY_JOINED = re.compile(
    r"(?<!\d)(?P<date>(?:\d{2})?\d{2}(?P<joiner>[- ])\d{2}(?P=joiner)\d{2})(?P=joiner)(?P<tail>\d{4})(?!\d)",
    re.ASCII,
)
# The minus sign is the one dash outside category Pd (it is Sm).
_MINUS = "\N{MINUS SIGN}"


def identity_plain(text: str) -> str:
    """``text`` as the detector reads it: NFKC (full-width and mathematical digits become
    ASCII, no-break and thin spaces plain spaces), every dash, hyphen or minus (category Pd
    and U+2212: the en dash phones type, the non-breaking hyphen of word processors) a "-",
    any other script's decimal digit (Arabic-Indic, Devanagari …) its ASCII digit, and
    invisible format characters (category Cf: soft hyphen, zero-width space) gone."""
    plain: list[str] = []
    for char in unicodedata.normalize("NFKC", text):
        category = unicodedata.category(char)
        if category == "Cf":
            continue
        if category == "Pd" or char == _MINUS:
            plain.append("-")
        elif category == "Nd":
            plain.append(str(unicodedata.decimal(char)))
        elif category == "Zs":
            plain.append(" ")
        else:
            plain.append(char)
    return "".join(plain)


def identity_number_found(text: str) -> bool:
    """Whether ``text`` holds a valid Swedish personal identity or coordination number.

    Ten or twelve digits, with or without a separator before the last four: "-", "+", "." or
    any Unicode dash, hyphen or minus sign, or "/", with or without spaces around it; the date's
    groups joined by dashes or by spaces, the same joiner before the last four; digits of any
    script (full-width, Arabic-Indic …); the date's groups may be joined by dots. Checked with
    ``identity_number_normalise`` (a real date and Luhn: SKV 704). Used wherever free text
    must not name a person: consultations (R17) and the reason for opening a case (it stays
    in the audit log). The separators are a tester's findings (phones type an en dash)."""
    plain = identity_plain(text)
    for match in _IDENTITY_SHAPE.finditer(plain):
        separator = "+" if match.group("separator") == "+" else "-"
        candidate = match.group("date").replace(".", "") + separator + match.group("tail")
        if identity_number_normalise(candidate):
            return True
    for match in _IDENTITY_JOINED.finditer(plain):
        candidate = match.group("date").replace(match.group("joiner"), "") + "-" + match.group("tail")
        if identity_number_normalise(candidate):
            return True
    return False
