"""Opening hours and the automatic answer (issue 9, items 3 and 4)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from hedershus.messaging.hours import END_OF_DAY, automatic_answer, centre_is_open, next_opening
from hedershus.messaging.models import OpeningHours

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def at(year: int, month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=STOCKHOLM)


def weekdays_8_to_17() -> None:
    for weekday in range(5):
        OpeningHours.objects.create(weekday=weekday, opens=dt.time(8), closes=dt.time(17))


def test_open_inside_an_interval_and_closed_at_its_end() -> None:
    weekdays_8_to_17()
    monday = at(2026, 11, 30, 8)
    assert centre_is_open(monday)
    assert centre_is_open(monday.replace(hour=16, minute=59))
    assert not centre_is_open(monday.replace(hour=17))
    assert not centre_is_open(monday.replace(hour=7, minute=59))
    assert not centre_is_open(at(2026, 12, 5, 12))  # Saturday


def test_hours_are_read_in_stockholm_time_whatever_zone_now_is_in() -> None:
    weekdays_8_to_17()
    # 07:30 UTC on a winter Monday is 08:30 in Stockholm.
    assert centre_is_open(dt.datetime(2026, 11, 30, 7, 30, tzinfo=dt.UTC))
    assert not centre_is_open(dt.datetime(2026, 11, 30, 6, 30, tzinfo=dt.UTC))


def test_several_intervals_a_day() -> None:
    OpeningHours.objects.create(weekday=0, opens=dt.time(8), closes=dt.time(12))
    OpeningHours.objects.create(weekday=0, opens=dt.time(13), closes=dt.time(17))
    assert not centre_is_open(at(2026, 11, 30, 12, 30))
    assert next_opening(at(2026, 11, 30, 12, 30)) == at(2026, 11, 30, 13)


def test_next_opening_after_friday_evening_is_monday_morning() -> None:
    weekdays_8_to_17()
    assert next_opening(at(2026, 12, 4, 17, 0)) == at(2026, 12, 7, 8)


def test_next_opening_is_none_without_any_hours() -> None:
    assert next_opening(at(2026, 11, 30, 12)) is None
    assert not centre_is_open(at(2026, 11, 30, 12))


def test_a_night_opening_across_midnight_is_open_at_midnight_and_one_opening() -> None:
    OpeningHours.objects.create(weekday=4, opens=dt.time(20), closes=END_OF_DAY)  # Friday
    OpeningHours.objects.create(weekday=5, opens=dt.time(0), closes=dt.time(2))  # Saturday
    assert centre_is_open(at(2026, 12, 4, 23, 59))
    assert centre_is_open(at(2026, 12, 5, 0, 0))
    assert centre_is_open(at(2026, 12, 5, 1, 59))
    assert not centre_is_open(at(2026, 12, 5, 2, 0))
    # Saturday 00:00 continues Friday night: the next opening after Friday 21:00 is the next Friday.
    assert next_opening(at(2026, 12, 4, 21)) == at(2026, 12, 11, 20)


def test_hours_keep_their_wall_clock_time_across_the_spring_dst_change() -> None:
    OpeningHours.objects.create(weekday=6, opens=dt.time(8), closes=dt.time(17))  # Sunday
    # 29 March 2026: clocks go from 02:00 to 03:00 in Stockholm. 08:00 CEST is 06:00 UTC.
    opening = next_opening(at(2026, 3, 28, 20))
    assert opening is not None
    assert opening.astimezone(dt.UTC) == dt.datetime(2026, 3, 29, 6, 0, tzinfo=dt.UTC)
    assert centre_is_open(dt.datetime(2026, 3, 29, 6, 0, tzinfo=dt.UTC))
    assert not centre_is_open(dt.datetime(2026, 3, 29, 5, 59, tzinfo=dt.UTC))


def test_an_opening_inside_the_skipped_hour_moves_to_the_end_of_the_gap() -> None:
    OpeningHours.objects.create(weekday=6, opens=dt.time(2, 30), closes=dt.time(4))
    opening = next_opening(at(2026, 3, 28, 20))
    assert opening is not None
    # 02:30 does not exist that night; 02:30 CET (01:30 UTC) is 03:30 CEST.
    assert opening.astimezone(dt.UTC) == dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.UTC)


def test_hours_keep_their_wall_clock_time_across_the_autumn_dst_change() -> None:
    OpeningHours.objects.create(weekday=6, opens=dt.time(8), closes=dt.time(17))
    # 25 October 2026: clocks go back; 08:00 CET is 07:00 UTC.
    opening = next_opening(at(2026, 10, 24, 20))
    assert opening is not None
    assert opening.astimezone(dt.UTC) == dt.datetime(2026, 10, 25, 7, 0, tzinfo=dt.UTC)


def test_automatic_answer_tells_when_someone_reads_it_in_the_visitors_language() -> None:
    weekdays_8_to_17()
    friday_evening = at(2026, 12, 4, 19)
    english = automatic_answer(language="en", acute=False, now=friday_evening)
    assert "Monday 7 December, 08:00" in english
    swedish = automatic_answer(language="sv", acute=False, now=friday_evening)
    assert "måndag" in swedish.lower() and "december" in swedish and "08:00" in swedish
    assert "112" in english


def test_automatic_answer_to_an_acute_message_points_to_112_and_socialjouren_not_a_time() -> None:
    weekdays_8_to_17()
    text = automatic_answer(language="en", acute=True, now=at(2026, 12, 4, 19))
    assert "112" in text
    assert "socialjouren" in text
    assert "Monday" not in text and "08:00" not in text


def test_automatic_answer_without_hours_promises_no_time() -> None:
    text = automatic_answer(language="en", acute=False, now=at(2026, 12, 4, 19))
    assert "as soon as we can" in text
