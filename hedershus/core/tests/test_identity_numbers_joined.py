"""The identity-number detector finds a number written with its date's groups joined by dashes
or spaces, or with a slash before the last four (a tester's findings in a data-subject
request's note, issue 13 item 3 round 2), and still leaves an ISO date and a time alone."""

from __future__ import annotations

import pytest

from hedershus.core.identity_numbers import identity_number_found


@pytest.mark.parametrize(
    "text",
    [
        "1975-06-04-9811",
        "1975 06 04 9811",
        "19750604/9811",
        "750604/9811",
        "Kontrollerat mot 1999-01-01-9829",
        "75-06-04-9811",
    ],
)
def test_a_number_with_joined_date_groups_or_a_slash_is_found(text: str) -> None:
    assert identity_number_found(text)


@pytest.mark.parametrize(
    "text",
    ["Möte 2024-01-15 1030", "1975-06-04 9811 kr", "1975-06-04-9812", "Sida 12/2024", "1975 06 04-9811x"],
)
def test_dates_times_and_wrong_check_digits_are_not_taken_for_one(text: str) -> None:
    assert not identity_number_found(text)
