"""Swedish personal identity numbers (personnummer) and coordination numbers
(samordningsnummer): parsing, checking and masking. Pure functions, no models.

Rules (Skatteverket, SKV 704): ten digits YYMMDD-NNNC or twelve YYYYMMDDNNNC, "-" or "+"
(over 100 years old) optional; C is the Luhn check digit over the ten-digit form's first nine
digits; the date must exist; a coordination number has 60 added to the day.
"""

from __future__ import annotations

import datetime as dt
import re

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
