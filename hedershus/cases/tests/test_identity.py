"""Personal identity and coordination numbers: Luhn, dates, masking."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hedershus.cases.identity import identity_number_mask, identity_number_normalise, luhn_valid

TODAY = dt.date(2026, 11, 30)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("811218-9876", "198112189876"),  # Skatteverket's example
        ("8112189876", "198112189876"),
        ("19811218-9876", "198112189876"),
        ("198112189876", "198112189876"),
        ("121212-1212", "201212121212"),
        ("121212+1212", "191212121212"),  # "+": 100 or older
        ("701063-2391", "197010632391"),  # samordningsnummer: day 03 + 60
        (" 811218 - 9876 ", "198112189876"),
    ],
)
def test_valid_numbers_are_normalised_to_twelve_digits(raw, expected):
    assert identity_number_normalise(raw, today=TODAY) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "811218-9875",  # wrong check digit
        "811218-987",  # too short
        "811318-9875",  # month 13 (its check digit is right)
        "810230-9872",  # 30 February (its check digit is right)
        "abcdef-ghij",
        "",
        "701093-2395",  # samordningsnummer day 93: 33 October (check digit right)
    ],
)
def test_invalid_numbers_are_refused(raw):
    assert identity_number_normalise(raw, today=TODAY) is None


def test_a_birth_date_in_the_future_is_refused():
    assert luhn_valid("3012121210")
    assert identity_number_normalise("20301212-1210", today=TODAY) is None


def test_luhn_rule():
    assert luhn_valid("8112189876")
    assert not luhn_valid("8112189875")
    assert luhn_valid("0")
    assert not luhn_valid("81a2189876")


def test_the_mask_keeps_the_birth_date_only():
    assert identity_number_mask("198112189876") == "19811218-****"
    assert identity_number_mask("x") == "****"


@given(st.text(max_size=20))
def test_any_text_is_either_refused_or_a_twelve_digit_number(raw):
    result = identity_number_normalise(raw, today=TODAY)
    assert result is None or (len(result) == 12 and result.isdigit() and luhn_valid(result[2:]))


@given(st.integers(min_value=0, max_value=999_999_999))
def test_exactly_one_check_digit_passes(body):
    digits = f"{body:09d}"
    assert sum(luhn_valid(digits + str(check)) for check in range(10)) == 1
