"""Bar charts of the statistics as geometry for an SVG the server renders (R24).

The house style of ``followup.chart``: no chart library (they write inline styles or
scripts, which the Content Security Policy forbids), no JavaScript, accessible (the template
gives the SVG a title and a description, and the same figures stand in a table beside it).
A suppressed figure draws no bar: its place says "-" as an en dash (fewer than the threshold), so the
picture reveals nothing the table hides. Coordinates are the SVG's user units.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 640
LEFT = 48
RIGHT = 630
TOP = 12
PLOT_HEIGHT = 180
LABEL_ROOM = 40
TICKS = 4


@dataclass(frozen=True)
class Bar:
    label: str
    value: int | None
    x: float
    width: float
    y: float
    height: float

    @property
    def suppressed(self) -> bool:
        return self.value is None

    @property
    def centre(self) -> float:
        return round(self.x + self.width / 2, 1)


@dataclass(frozen=True)
class Tick:
    value: int
    y: float


@dataclass(frozen=True)
class BarChart:
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    width: int = WIDTH
    height: int = TOP + PLOT_HEIGHT + LABEL_ROOM
    left: int = LEFT
    right: int = RIGHT
    baseline: float = TOP + PLOT_HEIGHT

    @property
    def empty(self) -> bool:
        return all(bar.value in (None, 0) for bar in self.bars)


def _nice_top(highest: int) -> int:
    """The scale's top: ``TICKS`` steps of 1, 2 or 5 x 10^k, at or above ``highest``."""
    magnitude = 1
    while True:
        for step in (magnitude, 2 * magnitude, 5 * magnitude):
            if step * TICKS >= highest:
                return step * TICKS
        magnitude *= 10


def bar_chart(items: Sequence[tuple[str, int | None]]) -> BarChart:
    """Bars for ``items`` (label, count or None when suppressed), left to right. The scale
    starts at 0 and ends at a round number at or above the highest shown count."""
    highest = max([value for _label, value in items if value is not None] or [0])
    top = _nice_top(max(highest, 1))
    slot = (RIGHT - LEFT) / max(len(items), 1)
    bars = []
    for index, (label, value) in enumerate(items):
        height = 0.0 if value is None else round(value / top * PLOT_HEIGHT, 1)
        bars.append(
            Bar(
                label=label,
                value=value,
                x=round(LEFT + index * slot + slot * 0.15, 1),
                width=round(slot * 0.7, 1),
                y=round(TOP + PLOT_HEIGHT - height, 1),
                height=height,
            )
        )
    ticks = tuple(
        Tick(value=top * k // TICKS, y=round(TOP + PLOT_HEIGHT - PLOT_HEIGHT * k / TICKS, 1))
        for k in range(TICKS + 1)
    )
    return BarChart(bars=tuple(bars), ticks=ticks)
