"""The follow-up timeline's chart, as geometry for an SVG the server renders (R18).

No chart library: the chart must work without JavaScript and under the platform's Content
Security Policy (no inline style or script), and be accessible (title, description, a data
table beside it, series told apart by marker and dash, not colour alone). The libraries that
render SVG on the server (pygal, matplotlib) write inline styles or scripts into it. What is
drawn here is small: one line per life domain over time, and rows of marks below it.

Coordinates are in the SVG's user units (``viewBox="0 0 WIDTH height"``); the template
scales the picture to the page's width. Days map to x linearly; ratings 1..5 to y, 5 on top.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

WIDTH = 720
LEFT = 150  # room for the row and scale labels
RIGHT = 700
TOP = 16
RATINGS_HEIGHT = 200
ROW_HEIGHT = 28
MAX_X_TICKS = 6


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    day: dt.date
    rating: int


@dataclass(frozen=True)
class Series:
    """One life domain's ratings, oldest first; ``key`` names its CSS class and marker."""

    key: str
    label: str
    points: tuple[Point, ...]
    marker: str

    @property
    def marker_path(self) -> str:
        return MARKER_PATHS[self.marker]

    @property
    def path(self) -> str:
        """The SVG path's ``d``: a line through the points (a single point draws no line)."""
        return " ".join(f"{'M' if i == 0 else 'L'}{p.x:.1f},{p.y:.1f}" for i, p in enumerate(self.points))


@dataclass(frozen=True)
class Mark:
    """Something that happened on ``day`` (a contact, a risk judgement, a decision)."""

    x: float
    day: dt.date
    label: str
    level: str = ""


@dataclass(frozen=True)
class Span:
    """Something in force from ``start`` to ``end`` (a protective measure); ``ongoing``
    when it has not ended, so it runs to the chart's right edge."""

    x1: float
    x2: float
    y: float
    start: dt.date
    end: dt.date | None
    label: str

    @property
    def ongoing(self) -> bool:
        return self.end is None

    @property
    def width(self) -> float:
        """At least 3 units, so a measure of one day still shows."""
        return round(max(self.x2 - self.x1, 3.0), 1)


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    y: float
    marks: tuple[Mark, ...] = ()
    spans: tuple[Span, ...] = ()


@dataclass(frozen=True)
class Tick:
    at: float
    day: dt.date | None = None
    rating: int | None = None


@dataclass(frozen=True)
class Chart:
    height: float
    first_day: dt.date
    last_day: dt.date
    series: tuple[Series, ...]
    rows: tuple[Row, ...]
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    width: int = WIDTH
    left: int = LEFT
    right: int = RIGHT
    top: int = TOP
    ratings_bottom: float = TOP + RATINGS_HEIGHT
    empty: bool = field(default=False)


# One marker shape per domain, in LifeDomain's order: told apart without colour. Paths
# centred on 0,0; "cross" and "plus" are drawn by their stroke only (CSS class).
MARKER_PATHS = {
    "circle": "M-4,0a4,4 0 1,0 8,0a4,4 0 1,0 -8,0",
    "square": "M-3.5,-3.5h7v7h-7z",
    "triangle": "M0,-4.5L4.5,3.5H-4.5Z",
    "diamond": "M0,-5L5,0L0,5L-5,0Z",
    "cross": "M-4,-4L4,4M4,-4L-4,4",
    "triangle-down": "M0,4.5L4.5,-3.5H-4.5Z",
    "plus": "M-4.5,0H4.5M0,-4.5V4.5",
}
MARKERS = tuple(MARKER_PATHS)


def rating_y(rating: int) -> float:
    """The y of a rating 1..5: 5 at the top of the ratings area, 1 at its bottom."""
    return round(TOP + (5 - rating) / 4 * RATINGS_HEIGHT, 1)


def _x_scale(first: dt.date, last: dt.date) -> tuple[dt.date, dt.date, float]:
    """Pads the range by a day on each side (a single day sits in the middle); returns the
    padded first and last day and the units per day."""
    first, last = first - dt.timedelta(days=1), last + dt.timedelta(days=1)
    return first, last, (RIGHT - LEFT) / max((last - first).days, 1)


def chart_build(
    *,
    domains: Sequence[tuple[str, str, Sequence[tuple[dt.date, int]]]],
    rows: Sequence[tuple[str, str, Sequence[tuple[dt.date, str, str]]]],
    spans: tuple[str, str, Sequence[tuple[dt.date, dt.date | None, str]]] | None = None,
    today: dt.date,
) -> Chart:
    """The chart of a case's follow-up.

    ``domains``: (key, label, [(day, rating 1..5), …]) per life domain, in display order.
    ``rows``: (key, label, [(day, label, level), …]) per row of marks below the ratings.
    ``spans``: (key, label, [(start, end or None, label), …]) for the measures' row, drawn
    up to ``today`` when still in force. The x range covers every day given (and today for
    an ongoing span). Returns a ``Chart`` with ``empty`` set when there is nothing to draw.
    """
    days = [day for _key, _label, values in domains for day, _rating in values]
    days += [day for _key, _label, marks in rows for day, _text, _level in marks]
    if spans is not None:
        for start, end, _text in spans[2]:
            days += [start, end or today]
    if not days:
        first = last = today
        empty = True
    else:
        first, last, empty = min(days), max(days), False
    first, last, per_day = _x_scale(first, last)

    def x(day: dt.date) -> float:
        return round(LEFT + (day - first).days * per_day, 1)

    series = tuple(
        Series(
            key=key,
            label=label,
            points=tuple(Point(x(day), rating_y(rating), day, rating) for day, rating in sorted(values)),
            marker=MARKERS[index % len(MARKERS)],
        )
        for index, (key, label, values) in enumerate(domains)
    )
    y = TOP + RATINGS_HEIGHT + ROW_HEIGHT
    built_rows = []
    for key, label, marks in rows:
        built_rows.append(
            Row(
                key,
                label,
                y,
                marks=tuple(Mark(x(day), day, text, level) for day, text, level in sorted(marks)),
            )
        )
        y += ROW_HEIGHT
    if spans is not None:
        key, label, items = spans
        lanes = 3  # overlapping measures take the next lane, so none hides another
        built = tuple(
            Span(x(start), x(end or today), y - 8 + (index % lanes) * 7, start, end, text)
            for index, (start, end, text) in enumerate(sorted(items, key=lambda item: item[0]))
        )
        built_rows.append(Row(key, label, y, spans=built))
        y += ROW_HEIGHT
    span_days = (last - first).days
    step = max(1, -(-span_days // (MAX_X_TICKS - 1)))
    x_ticks = tuple(
        Tick(x(first + dt.timedelta(days=offset)), day=first + dt.timedelta(days=offset))
        for offset in range(0, span_days + 1, step)
    )
    y_ticks = tuple(Tick(rating_y(rating), rating=rating) for rating in range(5, 0, -1))
    return Chart(
        height=y,
        first_day=first,
        last_day=last,
        series=series,
        rows=tuple(built_rows),
        x_ticks=x_ticks,
        y_ticks=y_ticks,
        empty=empty,
    )
