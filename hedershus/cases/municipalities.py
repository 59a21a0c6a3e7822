"""The county's municipalities (Stockholm County, 26 kommuner) as a case records them.

The list itself lives in ``hedershus.core.places`` (the partner register needs it too) and is
re-exported here. A person's municipality is one of these (R24 counts per municipality); ""
is unknown, and "outside" is outside the county."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from hedershus.core.places import MUNICIPALITIES, STOCKHOLM_DISTRICTS

__all__ = ["MUNICIPALITIES", "OUTSIDE", "STOCKHOLM_DISTRICTS", "municipality_choices"]

OUTSIDE = "outside"


def municipality_choices() -> list[tuple[str, object]]:
    """Form choices: unknown, the county's municipalities, outside the county."""
    return [
        ("", _("Unknown")),
        *((name, name) for name in MUNICIPALITIES),
        (OUTSIDE, _("Outside the county")),
    ]
