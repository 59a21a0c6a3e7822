"""The county's municipalities (Stockholm County, 26 kommuner), from
/work/shared/data/kommuner-2010.csv. A person's municipality is one of these (R24 counts per
municipality); "" is unknown, and "outside" is outside the county."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

MUNICIPALITIES: tuple[str, ...] = (
    "Botkyrka", "Danderyd", "Ekerö", "Haninge", "Huddinge", "Järfälla", "Lidingö", "Nacka",
    "Norrtälje", "Nykvarn", "Nynäshamn", "Salem", "Sigtuna", "Sollentuna", "Solna", "Stockholm",
    "Sundbyberg", "Södertälje", "Tyresö", "Täby", "Upplands Väsby", "Upplands-Bro", "Vallentuna",
    "Vaxholm", "Värmdö", "Österåker",
)  # fmt: skip

OUTSIDE = "outside"


def municipality_choices() -> list[tuple[str, object]]:
    """Form choices: unknown, the county's municipalities, outside the county."""
    return [
        ("", _("Unknown")),
        *((name, name) for name in MUNICIPALITIES),
        (OUTSIDE, _("Outside the county")),
    ]
