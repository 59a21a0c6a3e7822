"""Places of Stockholm County the platform knows by name.

``MUNICIPALITIES``: the county's 26 municipalities (kommuner), as listed in
/work/shared/data/kommuner-2010.csv (Statistics Sweden's county list, 2010). A person's
municipality is one of these (R24 counts per municipality); the partner register names the
municipalities a unit covers with the same strings.

``STOCKHOLM_DISTRICTS``: Stockholm city's 13 district areas (stadsdelsområden) as of 2020,
each with its district administration (stadsdelsförvaltning) that runs social services for it.

These live in ``core`` because both ``cases`` and ``partners`` (one layer, which may not import
each other) need them; ``hedershus.cases.municipalities`` re-exports ``MUNICIPALITIES``.
"""

from __future__ import annotations

MUNICIPALITIES: tuple[str, ...] = (
    "Botkyrka", "Danderyd", "Ekerö", "Haninge", "Huddinge", "Järfälla", "Lidingö", "Nacka",
    "Norrtälje", "Nykvarn", "Nynäshamn", "Salem", "Sigtuna", "Sollentuna", "Solna", "Stockholm",
    "Sundbyberg", "Södertälje", "Tyresö", "Täby", "Upplands Väsby", "Upplands-Bro", "Vallentuna",
    "Vaxholm", "Värmdö", "Österåker",
)  # fmt: skip

# The municipality whose districts are listed in STOCKHOLM_DISTRICTS.
STOCKHOLM = "Stockholm"

STOCKHOLM_DISTRICTS: tuple[str, ...] = (
    "Bromma", "Enskede-Årsta-Vantör", "Farsta", "Hägersten-Älvsjö", "Hässelby-Vällingby",
    "Kungsholmen", "Norrmalm", "Rinkeby-Kista", "Skarpnäck", "Skärholmen", "Spånga-Tensta",
    "Södermalm", "Östermalm",
)  # fmt: skip
