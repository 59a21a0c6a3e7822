"""URL path converters for every app.

``<id:name>`` is a database row id: 1 to 18 digits, so it always fits a 64-bit integer
column. Django's ``<int:…>`` takes any number of digits, and a 30-digit id reached the
database and failed there (SQLite: ``OverflowError``, a server error) instead of a plain
404. Every URL naming a row uses ``<id:…>``; ``core/tests/test_converters.py`` fails for a
path that uses ``<int:…>``.
"""

from __future__ import annotations

from django.urls import register_converter


class DatabaseIdConverter:
    """A row id in a path: 1-18 ASCII digits (below 2**63, the largest signed 64-bit integer)."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int | str) -> str:
        return str(int(value))


register_converter(DatabaseIdConverter, "id")
