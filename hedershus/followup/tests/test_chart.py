"""The timeline chart's geometry (chart.py): ratings up, days right, nothing lost."""

from __future__ import annotations

import datetime as dt

from hedershus.followup import chart

DAY = dt.date(2026, 3, 1)


def test_a_higher_rating_is_drawn_higher_and_the_scale_spans_the_ratings_area():
    assert chart.rating_y(5) == chart.TOP
    assert chart.rating_y(1) == chart.TOP + chart.RATINGS_HEIGHT
    assert chart.rating_y(4) < chart.rating_y(3) < chart.rating_y(2)


def test_days_map_to_x_in_order_within_the_plot():
    built = chart.chart_build(
        domains=[("safety", "Safety", [(DAY + dt.timedelta(days=30), 4), (DAY, 2)])], rows=[], today=DAY
    )
    first, second = built.series[0].points
    assert first.day == DAY and first.rating == 2  # sorted by day whatever the input order
    assert chart.LEFT < first.x < second.x < chart.RIGHT
    assert built.series[0].path.startswith(f"M{first.x:.1f},{first.y:.1f} L")


def test_a_single_follow_up_sits_in_the_middle_and_draws_no_line():
    built = chart.chart_build(domains=[("safety", "Safety", [(DAY, 3)])], rows=[], today=DAY)
    (point,) = built.series[0].points
    assert point.x == (chart.LEFT + chart.RIGHT) / 2
    assert not built.empty


def test_an_ongoing_measure_runs_to_today_and_widens_the_range():
    today = DAY + dt.timedelta(days=60)
    built = chart.chart_build(
        domains=[("safety", "Safety", [(DAY, 3)])],
        rows=[],
        spans=("measures", "Measures", [(DAY + dt.timedelta(days=10), None, "Alarm")]),
        today=today,
    )
    (span,) = built.rows[-1].spans
    assert span.ongoing
    assert built.last_day == today + dt.timedelta(days=1)
    assert span.x1 < span.x2 < chart.RIGHT
    assert span.width == round(span.x2 - span.x1, 1)


def test_marks_are_placed_on_their_own_rows_below_the_ratings():
    built = chart.chart_build(
        domains=[("safety", "Safety", [])],
        rows=[("contacts", "Contacts", [(DAY, "Phone", "")]), ("risk", "Risk", [(DAY, "High", "high")])],
        today=DAY,
    )
    contacts, risk = built.rows
    assert chart.TOP + chart.RATINGS_HEIGHT < contacts.y < risk.y < built.height
    assert risk.marks[0].level == "high"


def test_seven_domains_get_seven_different_markers():
    domains = [(f"d{i}", f"D{i}", [(DAY, 3)]) for i in range(7)]
    built = chart.chart_build(domains=domains, rows=[], today=DAY)
    assert len({series.marker_path for series in built.series}) == 7


def test_nothing_recorded_is_an_empty_chart():
    assert chart.chart_build(domains=[("safety", "Safety", [])], rows=[], today=DAY).empty
