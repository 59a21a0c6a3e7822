"""The personal identity number detector of consultations (``services.identity_number_found``)
as a tester got round it: the separators phones and word processors type (en dash, em dash,
non-breaking hyphen, minus sign …), spaces around them, full-width or Arabic-Indic digits and
dots. Any valid personnummer or samordningsnummer, however written, is found, and the three
writes that use the detector (a new consultation, a professional's follow-up, the
counsellor's answer) refuse it and store nothing."""

from __future__ import annotations

import datetime as dt
import sys
import unicodedata
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hedershus.cases.identity import luhn_valid
from hedershus.consultations import services
from hedershus.consultations.models import Consultation, ConsultationMessage
from hedershus.core.exceptions import InvalidInput

# Every Unicode dash (category Pd) and the minus sign: what a phone, a word processor or a
# copied document may put between the date and the last four digits.
DASHES = sorted(
    {chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Pd"} | {"\u2212", "-"}
)
SPACES = ["", " ", "  ", "\u00a0", "\u202f", "\u2009", "\u3000"]
# Digit scripts a keyboard may type: ASCII, full-width, Arabic-Indic, Eastern Arabic-Indic
# (Persian, Urdu), Devanagari, mathematical bold.
DIGIT_ZEROS = [0x30, 0xFF10, 0x0660, 0x06F0, 0x0966, 0x1D7CE]

REFUSED = [
    # The forms the detector knew already.
    "19121212-1212",
    "121212-1212",
    "121212+1212",
    "191212121212",
    "121212 1212",
    # The tester's: phones type the en dash by themselves.
    "19121212\u20131212",
    "121212\u20131212",
    "121212 \u2013 1212",
    "121212\u20141212",
    "121212\u20111212",
    "121212\u22121212",
    "121212\u20101212",
    "\uff11\uff12\uff11\uff12\uff11\uff12-\uff11\uff12\uff11\uff12",
    "121212.1212",
    "12.12.12-1212",
    "1912.12.12-1212",
    "121212\u00ad1212",  # soft hyphen (invisible)
    "121212\u200b-1212",  # zero-width space
    "١٢١٢١٢-١٢١٢",  # Arabic-Indic digits
]


@pytest.mark.parametrize("written", REFUSED)
def test_a_personal_identity_number_is_found_however_it_is_written(written: str) -> None:
    assert services.identity_number_found(f"Gäller {written} i skolan")


@pytest.mark.parametrize(
    "text",
    [
        "Ring 070-123 45 67 i morgon",
        "Ring 070 123 45 60",
        "811218\u20139875",  # Luhn check digit wrong
        "121312\u20131212",  # no month 13
        "Möte 2024-05-12 kl. 14.30, 12 personer",
        "Ärende 2026-0003",
    ],
)
def test_numbers_that_are_no_identity_number_are_not_found(text: str) -> None:
    """The control: the same separators around numbers that fail the date or Luhn check,
    and ordinary phone numbers, dates and times."""
    assert not services.identity_number_found(text)


def _check_digit(nine: str) -> str:
    return next(str(d) for d in range(10) if luhn_valid(nine + str(d)))


@st.composite
def _written_numbers(draw: Any) -> str:
    """A valid personnummer or samordningsnummer as someone may write it: ten digits (born
    within the last 99 years) or twelve, any dash or none, spaces around it, any digit script."""
    today = dt.date.today()
    twelve = draw(st.booleans())
    earliest = dt.date(1900, 1, 1) if twelve else today.replace(year=today.year - 99) + dt.timedelta(days=1)
    born = draw(st.dates(min_value=earliest, max_value=today))
    coordination = draw(st.booleans())
    day = born.day + (60 if coordination else 0)
    birth_number = draw(st.integers(min_value=0, max_value=999))
    nine = f"{born:%y%m}{day:02d}{birth_number:03d}"
    ten = nine + _check_digit(nine)
    date_part = (f"{born.year // 100:02d}" if twelve else "") + ten[:6]
    separator = draw(st.sampled_from(["", *DASHES]))
    before = draw(st.sampled_from(SPACES)) if separator else ""
    after = draw(st.sampled_from(SPACES)) if separator else ""
    written = f"{date_part}{before}{separator}{after}{ten[6:]}"
    zero = draw(st.sampled_from(DIGIT_ZEROS))
    return "".join(chr(zero + int(c)) if c.isdigit() else c for c in written)


@settings(max_examples=300, deadline=None)
@given(_written_numbers(), st.sampled_from(["", "Pnr ", "Flickan (", "Hon har nr: "]))
def test_any_valid_number_with_any_dash_is_found(written: str, prefix: str) -> None:
    assert services.identity_number_found(f"{prefix}{written} bor hos sin moster.")


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(written=_written_numbers())
def test_a_new_consultation_with_any_written_number_is_refused(partner: Any, unit: Any, written: str) -> None:
    with pytest.raises(InvalidInput):
        services.consultation_ask(
            actor=partner, unit_id=unit.pk, subject="Fråga om resa", text=f"Gäller {written}."
        )
    assert not Consultation.objects.exists()


@pytest.mark.parametrize("written", ["121212\u20131212", "121212 \u2013 1212", "121212\u20111212"])
def test_a_follow_up_and_an_answer_with_a_dashed_number_are_refused(
    partner: Any, unit: Any, counsellor: Any, written: str
) -> None:
    consultation = services.consultation_ask(
        actor=partner, unit_id=unit.pk, subject="Fråga om resa", text="Hon berättar om en resa."
    )
    with pytest.raises(InvalidInput, match="personnumret"):
        services.follow_up_post(actor=partner, consultation_id=consultation.pk, text=f"Det gäller {written}")
    with pytest.raises(InvalidInput, match="personnumret"):
        services.answer_post(actor=counsellor, consultation_id=consultation.pk, text=f"Gäller {written}?")
    assert ConsultationMessage.objects.filter(consultation=consultation).count() == 1
