"""The demo data for the counsellors' side (manage.py demo_messaging)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from hedershus.messaging.demo import demo_messaging_load
from hedershus.messaging.models import OpeningHours, StandardReply

pytestmark = pytest.mark.django_db


def test_demo_data_sets_weekday_hours_and_replies_in_swedish_and_english_once(settings: object) -> None:
    first = demo_messaging_load()
    assert first.hours_set and first.replies_added == StandardReply.objects.count() > 0
    assert OpeningHours.objects.filter(weekday=0, opens=dt.time(8), closes=dt.time(17)).exists()
    assert set(StandardReply.objects.values_list("language", flat=True)) == {"sv", "en"}
    again = demo_messaging_load()
    assert not again.hours_set and again.replies_added == 0


def test_an_administrators_hours_are_kept() -> None:
    OpeningHours.objects.create(weekday=2, opens=dt.time(10), closes=dt.time(11))
    demo_messaging_load()
    assert list(OpeningHours.objects.values_list("weekday", "opens")) == [(2, dt.time(10))]


def test_the_command_is_refused_with_debug_off(settings: object) -> None:
    from django.core.management.base import CommandError

    settings.DEBUG = False  # type: ignore[attr-defined]
    with pytest.raises(CommandError):
        call_command("demo_messaging")
