"""Retention periods and the batch size have upper bounds, refused at start-up with the usual
message (issue 13 item 4, a tester's finding: CASE_RETENTION_YEARS=2026 or a days setting
with an extra digit crashed the retention run and its overview with ValueError or
OverflowError)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured

from hedershus.core.tests.test_settings import GOOD_KEY, GOOD_SECRET, _start
from hedershus.env import Env


def test_an_integer_above_its_maximum_is_refused_naming_the_variable() -> None:
    with pytest.raises(ImproperlyConfigured, match=r"X: expected an integer from 1 to 100, got '101'"):
        Env({"X": "101"}).integer("X", 5, minimum=1, maximum=100)


@pytest.mark.parametrize(("raw", "parsed"), [("1", 1), ("100", 100), (" 42 ", 42)])
def test_an_integer_within_its_bounds_is_read(raw: str, parsed: int) -> None:
    assert Env({"X": raw}).integer("X", 5, minimum=1, maximum=100) == parsed


def test_a_maximum_alone_says_so() -> None:
    with pytest.raises(ImproperlyConfigured, match="an integer of at most 3"):
        Env({"X": "4"}).integer("X", 1, maximum=3)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("CASE_RETENTION_YEARS", "2026"),
        ("CASE_RETENTION_YEARS", "100000"),
        ("ROOM_RETENTION_DAYS", "99999999999"),
        ("CONSULTATION_RETENTION_DAYS", "9999999"),
        ("ABSENCE_RETENTION_DAYS", "99999999"),
        ("CONVERSATION_RETENTION_DAYS", "36501"),
        ("CONVERSATION_IDLE_CLOSE_DAYS", "36501"),
        ("SUBJECT_ACCESS_RETENTION_DAYS", "36501"),
        ("TASK_RESULT_RETENTION_DAYS", "36501"),
        ("RETENTION_BATCH_SIZE", "100001"),
    ],
)
def test_a_retention_setting_too_large_to_compute_with_stops_start_up(name: str, value: str) -> None:
    result = _start(SECRET_KEY=GOOD_SECRET, ENCRYPTION_KEYS=GOOD_KEY, **{name: value})
    assert result.returncode != 0
    assert f"{name}: expected an integer from 1 to" in result.stderr


def test_the_largest_allowed_periods_still_compute(settings) -> None:
    """At the maxima, the cut-offs the jobs compute stay within the calendar."""
    from hedershus.core.retention import next_run

    now = dt.datetime(2026, 6, 15, 3, 0, tzinfo=dt.UTC)
    assert next_run(now) - dt.timedelta(days=settings.RETENTION_MAX_DAYS) > dt.datetime(
        1900, 1, 1, tzinfo=dt.UTC
    )
    assert now.year - settings.RETENTION_MAX_YEARS > dt.MINYEAR
