"""What a partner organisation or unit may hold: one set of rules for the staff forms, the
file import and the demo data, so a row the import accepts is one the form would accept.

``organisation_problems`` and ``unit_problems`` return ``[(field, message), …]`` (empty when
the data is good); the import turns a field into its column, the forms into a field error.
``clean_*`` helpers normalise what a person typed (white space, bidi controls, case of codes).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils.translation import gettext as _

from hedershus.core.places import MUNICIPALITIES, STOCKHOLM, STOCKHOLM_DISTRICTS
from hedershus.core.text import bidi_controls_strip
from hedershus.partners.languages import ISO_639_1
from hedershus.partners.models import Audience, OrganisationKind, ServiceKind

# The most free places a unit can report: more is a typing mistake.
CAPACITY_MAX = 10_000
NAME_MAX = 200
TEXT_MAX = 2_000
PHONE_PATTERN = re.compile(r"^[0-9+()\- ]{3,40}$")
ORG_NUMBER_PATTERN = re.compile(r"^\d{6}-?\d{4}$")
# The services that offer a bed: only a unit offering one keeps a count of free places
# (counsellors choose a shelter by it; tester's defect 3: social services could set one).
CAPACITY_SERVICES: frozenset[str] = frozenset({ServiceKind.SHELTER, ServiceKind.PROTECTED_HOUSING})


def keeps_free_places(services: Iterable[str]) -> bool:
    """Whether a unit offering ``services`` (``ServiceKind`` values) keeps a count of free
    places: it offers a shelter or protected housing (``CAPACITY_SERVICES``)."""
    return not CAPACITY_SERVICES.isdisjoint(services)


def clean_text(value: str) -> str:
    """Stripped of surrounding white space and of bidi controls (``core.text``)."""
    return bidi_controls_strip(value).strip()


def clean_codes(values: Iterable[str]) -> tuple[str, ...]:
    """Codes stripped and in lower case, blanks dropped, duplicates removed (first kept)."""
    seen: dict[str, None] = {}
    for value in values:
        code = clean_text(value).lower()
        if code:
            seen.setdefault(code, None)
    return tuple(seen)


def clean_names(values: Iterable[str]) -> tuple[str, ...]:
    """Place names stripped, blanks and duplicates dropped; matched to the known spelling
    regardless of case ("botkyrka" → "Botkyrka"); an unknown name is kept as typed."""
    known = {name.casefold(): name for name in (*MUNICIPALITIES, *STOCKHOLM_DISTRICTS)}
    seen: dict[str, None] = {}
    for value in values:
        name = clean_text(value)
        if name:
            seen.setdefault(known.get(name.casefold(), name), None)
    return tuple(seen)


@dataclass(frozen=True)
class OrganisationData:
    """An organisation as a form, an import row or the demo gives it."""

    name: str
    kind: str
    municipality: str = ""
    org_number: str = ""
    active: bool = True


@dataclass(frozen=True)
class UnitData:
    """A unit as a form, an import row or the demo gives it. List fields are tuples of codes
    (``ServiceKind``, ``Audience``, ISO 639-1) or place names (``core.places``)."""

    name: str
    services: tuple[str, ...] = ()
    municipalities: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    audiences: tuple[str, ...] = ()
    opening_hours: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    web: str = ""
    capacity_free: int | None = None
    on_platform: bool = False
    public: bool = False
    public_description: str = ""
    active: bool = True
    # Fields the caller did not give, to be left as they are on update (the import leaves an
    # empty capacity cell alone: free places are the unit's own to keep up to date).
    keep: frozenset[str] = field(default_factory=frozenset)


def organisation_problems(data: OrganisationData) -> list[tuple[str, str]]:
    """What is wrong with ``data``: ``[(field, message)]``, empty when nothing is."""
    problems: list[tuple[str, str]] = []
    if not data.name:
        problems.append(("name", _("Give the organisation's name.")))
    elif len(data.name) > NAME_MAX:
        problems.append(("name", _("At most %(max)s characters.") % {"max": NAME_MAX}))
    if data.kind not in OrganisationKind.values:
        problems.append(
            (
                "kind",
                _("Unknown kind %(value)r: use one of %(values)s.")
                % _choices(data.kind, OrganisationKind.values),
            )
        )
    if data.municipality and data.municipality not in MUNICIPALITIES:
        problems.append(
            (
                "municipality",
                _("%(value)r is not a municipality of Stockholm County.") % {"value": data.municipality},
            )
        )
    if data.org_number and not ORG_NUMBER_PATTERN.match(data.org_number):
        problems.append(("org_number", _("An organisation number has ten digits (NNNNNN-NNNN).")))
    return problems


def _choices(value: str, values: Iterable[str]) -> dict[str, str]:
    return {"value": value, "values": ", ".join(values)}


def unit_problems(data: UnitData) -> list[tuple[str, str]]:
    """What is wrong with ``data``: ``[(field, message)]``, empty when nothing is.

    Services, audiences and languages must be known codes; municipalities the county's;
    districts Stockholm city's, and only for a unit that covers Stockholm (or the whole
    county). Contact fields must look like what they are; a public unit needs a public
    description (the help directory shows it to people looking for help). Free places only
    for a unit that offers a shelter or protected housing (``keeps_free_places``).
    """
    problems: list[tuple[str, str]] = []
    if not data.name:
        problems.append(("name", _("Give the unit's name.")))
    elif len(data.name) > NAME_MAX:
        problems.append(("name", _("At most %(max)s characters.") % {"max": NAME_MAX}))
    for name, values, allowed, message in (
        (
            "services",
            data.services,
            ServiceKind.values,
            _("Unknown service %(value)r: use one of %(values)s."),
        ),
        (
            "audiences",
            data.audiences,
            Audience.values,
            _("Unknown audience %(value)r: use one of %(values)s."),
        ),
    ):
        for value in values:
            if value not in allowed:
                problems.append((name, message % _choices(value, allowed)))
    for value in data.languages:
        if value not in ISO_639_1:
            problems.append(
                (
                    "languages",
                    _("%(value)r is not a two-letter language code (ISO 639-1), e.g. sv, ar, so.")
                    % {"value": value},
                )
            )
    for value in data.municipalities:
        if value not in MUNICIPALITIES:
            problems.append(
                (
                    "municipalities",
                    _("%(value)r is not a municipality of Stockholm County.") % {"value": value},
                )
            )
    for value in data.districts:
        if value not in STOCKHOLM_DISTRICTS:
            problems.append(
                ("districts", _("%(value)r is not one of Stockholm city's districts.") % {"value": value})
            )
    if data.districts and data.municipalities and STOCKHOLM not in data.municipalities:
        problems.append(
            ("districts", _("Districts are Stockholm city's: add Stockholm to the municipalities."))
        )
    for name, value, limit in (
        ("opening_hours", data.opening_hours, TEXT_MAX),
        ("address", data.address, TEXT_MAX),
        ("public_description", data.public_description, TEXT_MAX),
    ):
        if len(value) > limit:
            problems.append((name, _("At most %(max)s characters.") % {"max": limit}))
    if data.phone and not PHONE_PATTERN.match(data.phone):
        problems.append(("phone", _("A phone number has digits, spaces, +, - and brackets only.")))
    if data.email:
        try:
            validate_email(data.email)
        except ValidationError:
            problems.append(("email", _("Enter a valid e-mail address.")))
    if data.web:
        try:
            URLValidator(schemes=["https", "http"])(data.web)
        except ValidationError:
            problems.append(("web", _("Enter a web address starting with https://.")))
        if len(data.web) > NAME_MAX:
            problems.append(("web", _("At most %(max)s characters.") % {"max": NAME_MAX}))
    if data.capacity_free is not None and not 0 <= data.capacity_free <= CAPACITY_MAX:
        problems.append(
            ("capacity_free", _("Free places are a number from 0 to %(max)s.") % {"max": CAPACITY_MAX})
        )
    elif data.capacity_free is not None and not keeps_free_places(data.services):
        problems.append(
            (
                "capacity_free",
                _(
                    "Only a shelter or protected housing keeps a count of free places: add one of "
                    "those services or leave free places empty."
                ),
            )
        )
    if data.public and not data.public_description:
        problems.append(
            ("public_description", _("A unit in the public help directory needs a public description."))
        )
    return problems
