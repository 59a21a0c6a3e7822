"""Opening hours: when the centre answers, and the automatic answer outside them (issue 9, items 3, 4).

Hours are ``OpeningHours`` rows, several per weekday allowed, in the centre's local time
(``settings.TIME_ZONE``, Europe/Stockholm): wall-clock times, so "08:00" stays 08:00 across
daylight-saving changes. An interval is ``[opens, closes)``. An interval cannot run past
midnight (the model requires ``opens < closes``); a night opening is two rows, the first
closing at ``END_OF_DAY`` (shown and typed as 24:00) and the next day's opening at 00:00,
and they count as one unbroken opening.

Everything here takes ``now`` (an aware datetime) instead of reading the clock, so callers
and tests decide the moment.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import formats, translation
from django.utils.translation import gettext

from hedershus.messaging.models import OpeningHours

# The latest representable time of day: an interval closing here runs to midnight (24:00).
END_OF_DAY = dt.time.max
# How far ahead next_opening looks: a week and a day covers every weekday once.
_LOOKAHEAD_DAYS = 8


def centre_zone() -> ZoneInfo:
    """The zone opening hours are written in (``settings.TIME_ZONE``)."""
    return ZoneInfo(settings.TIME_ZONE)


def _intervals_by_weekday(
    rows: Iterable[OpeningHours] | None = None,
) -> dict[int, list[tuple[dt.time, dt.time]]]:
    by_day: dict[int, list[tuple[dt.time, dt.time]]] = {day: [] for day in range(7)}
    for row in OpeningHours.objects.all() if rows is None else rows:
        by_day[row.weekday].append((row.opens, row.closes))
    for intervals in by_day.values():
        intervals.sort()
    return by_day


def centre_is_open(now: dt.datetime) -> bool:
    """Whether ``now`` (aware) falls inside an opening interval, in the centre's local time.

    No opening hours at all means closed: the automatic answer then says a reply may take
    time, which is true, rather than promising one.
    """
    local = now.astimezone(centre_zone())
    time_of_day = local.time().replace(tzinfo=None)
    return any(opens <= time_of_day < closes for opens, closes in _intervals_by_weekday()[local.weekday()])


def next_opening(now: dt.datetime) -> dt.datetime | None:
    """The start of the first opening interval strictly after ``now``, as an aware datetime
    in the centre's zone; ``None`` when no opening hours are set.

    An interval that continues one ending at midnight the day before (see the module) is not
    a new opening. A start that falls in the hour skipped when clocks go forward (02:00-03:00
    on the last Sunday of March) is moved to the first moment after the gap.
    """
    zone = centre_zone()
    by_day = _intervals_by_weekday()
    if not any(by_day.values()):
        return None
    local_now = now.astimezone(zone)
    for offset in range(_LOOKAHEAD_DAYS):
        day = local_now.date() + dt.timedelta(days=offset)
        for opens, _closes in by_day[day.weekday()]:
            if opens == dt.time(0, 0) and any(c == END_OF_DAY for _o, c in by_day[(day.weekday() - 1) % 7]):
                continue  # continues last night's opening
            start = _aware(day, opens, zone)
            if start > now:
                return start
    return None


def _aware(day: dt.date, time_of_day: dt.time, zone: ZoneInfo) -> dt.datetime:
    """``day`` at wall-clock ``time_of_day`` in ``zone``; a time inside a spring-forward gap
    becomes the first valid moment after the gap, and an ambiguous autumn time its first
    occurrence (``fold=0``)."""
    naive = dt.datetime.combine(day, time_of_day)
    aware = naive.replace(tzinfo=zone)
    # Round trip through UTC: a non-existent wall time comes back different.
    normalised = aware.astimezone(dt.UTC).astimezone(zone)
    if normalised.replace(tzinfo=None) != naive:
        # In the gap: fold=0 used the offset before the change, which lands after the gap.
        return normalised
    return aware


def opening_format(moment: dt.datetime, language: str) -> str:
    """``moment`` as the visitor reads it, e.g. "Monday 2 March, 08:00" / "måndag 2 mars, 08:00",
    with weekday and month names in ``language`` and the time in the centre's zone."""
    local = moment.astimezone(centre_zone())
    with translation.override(language):
        # Translators: a date and time in the automatic answer (Django date format characters).
        return formats.date_format(local, gettext("l j F, H:i"))


def automatic_answer(*, language: str, acute: bool, now: dt.datetime) -> str:
    """The automatic (system) answer to a visitor's message written outside opening hours, in
    ``language`` (the room's; a language without a catalogue falls back to Swedish-then-English
    as Django does).

    ``acute``: the visitor marked the message "I need help now": the answer points to 112 and
    the social services' emergency duty (socialjouren), not to a time (issue 9, item 4).
    Otherwise it says when the centre next opens (``next_opening``), or that an answer may
    take time when no opening hours are set.
    """
    with translation.override(language):
        if acute:
            return gettext(
                "We are closed right now, so nobody can read your message at once. "
                "If you are in danger or need help now, call 112. "
                "You can also ask for socialjouren, the social services' emergency duty, "
                "which is open when we are closed: call 112 or your municipality and ask for socialjouren."
            )
        opening = next_opening(now)
        if opening is None:
            return gettext(
                "We are closed right now. Your message is saved and someone will answer as soon as we can. "
                "If you are in danger, call 112."
            )
        return gettext(
            "We are closed right now. Your message is saved and someone will read it when we open: %(when)s. "
            "If you are in danger, call 112."
        ) % {"when": opening_format(opening, language)}
