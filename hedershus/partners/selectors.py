"""Reads of the partner register that other apps call (referrals, consultations, the partner
portal) and that the register's own pages use. Outsiders get an empty result, never an error.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When

from hedershus.accounts.models import User
from hedershus.core.access import Capability, Role, user_has_capability
from hedershus.partners.models import PartnerOrganisation, PartnerUnit, UnitMembership
from hedershus.partners.validation import keeps_free_places


def _active_partner(user: Any) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and getattr(user, "role", None) == Role.PARTNER
    )


def _unit_score(
    unit: PartnerUnit, *, municipality: str, district: str, service: str, language: str
) -> int | None:
    """How well ``unit`` matches a referral's needs: ``None`` when it does not cover the
    place or lacks the service; otherwise higher is better (see ``units_for_referral``)."""
    if unit.municipalities and municipality not in unit.municipalities:
        return None
    if service and service not in unit.services:
        return None
    if language and language not in unit.languages:
        return None
    score = 0
    if unit.municipalities:
        # A local unit beats a county-wide one.
        score += 4
        if district and unit.districts:
            if district not in unit.districts:
                return None
            # A district's own unit beats the whole city's.
            score += 4
    if unit.on_platform:
        score += 1
    return score


def units_for_referral(
    *,
    municipality: str,
    district: str = "",
    service: str = "",
    language: str = "",
    needs_free_places: bool = False,
) -> QuerySet[PartnerUnit]:
    """Active units of active organisations that could take a referral, best match first.

    A unit matches when it covers ``municipality`` (it names it, or names none: the whole
    county), offers ``service`` when one is given (a ``ServiceKind`` value), and covers
    ``district`` when it names districts and one is given (a unit that names no district
    covers all of its municipalities'). With ``needs_free_places`` only units with at least
    one free place (``capacity_free >= 1``) that offer a shelter or protected housing
    (``validation.keeps_free_places``) match. With ``language`` (ISO 639-1) only units
    that list it in ``languages`` match: a unit that does not list it is never offered as if
    it did (the caller, ``referrals.selectors.units_to_offer``, searches again without the
    language when none lists it, and says so).

    Order: a unit naming the district, then one naming the municipality, then county-wide
    ones; within each, being on the platform first; then by name.
    Returns a QuerySet (with ``organisation`` joined); the filter on the JSON lists runs in
    Python so it works the same on SQLite and PostgreSQL (the register has hundreds of units).
    """
    base = PartnerUnit.objects.filter(active=True, organisation__active=True).select_related("organisation")
    if needs_free_places:
        base = base.filter(capacity_free__gte=1)
    scored: list[tuple[int, int]] = []
    for unit in base:
        if needs_free_places and not keeps_free_places(unit.services):
            continue  # a count left on a unit without beds (tester's defect 3) is no free place
        score = _unit_score(
            unit, municipality=municipality, district=district, service=service, language=language
        )
        if score is not None:
            scored.append((score, unit.pk))
    if not scored:
        return base.none()
    rank = Case(*(When(pk=pk, then=Value(score)) for score, pk in scored), output_field=IntegerField())
    return (
        base.filter(pk__in=[pk for _, pk in scored])
        .annotate(match_score=rank)
        .order_by("-match_score", "organisation__name", "name", "id")
    )


def units_of_professional(user: Any) -> QuerySet[PartnerUnit]:
    """The active units ``user`` is a member of: empty for anyone but an active partner
    professional (role ``partner``)."""
    if not _active_partner(user):
        return PartnerUnit.objects.none()
    return (
        PartnerUnit.objects.filter(memberships__user=user, active=True)
        .select_related("organisation")
        .order_by("organisation__name", "name", "id")
    )


def unit_admin_units(user: Any) -> QuerySet[PartnerUnit]:
    """The active units where ``user`` (an active partner professional) is unit admin."""
    if not _active_partner(user):
        return PartnerUnit.objects.none()
    return (
        PartnerUnit.objects.filter(memberships__user=user, memberships__is_unit_admin=True, active=True)
        .select_related("organisation")
        .order_by("organisation__name", "name", "id")
    )


def unit_get(unit_id: int) -> PartnerUnit | None:
    """The unit with that id (active or not), with its organisation, or ``None``."""
    return PartnerUnit.objects.select_related("organisation").filter(pk=unit_id).first()


def notify_addresses_for_unit(unit: PartnerUnit) -> list[str]:
    """Where a new item for ``unit`` is announced: its active members' e-mail addresses, or
    the unit's own functional inbox (``unit.email``) when it has none; [] when neither."""
    addresses = list(
        UnitMembership.objects.filter(unit=unit, user__is_active=True, user__role=Role.PARTNER)
        .order_by("user__email")
        .values_list("user__email", flat=True)
    )
    if addresses:
        return addresses
    return [unit.email] if unit.email else []


# --- The register's own pages ----------------------------------------------------------------


def register_readable(user: Any) -> bool:
    """Who may browse the register at /staff/network/: its administrators
    (``MANAGE_PARTNER_REGISTER``) and whoever handles cases (they choose units to refer to)."""
    return user_has_capability(user, Capability.MANAGE_PARTNER_REGISTER) or user_has_capability(
        user, Capability.HANDLE_CASES
    )


def units_search(
    *,
    kind: str = "",
    municipality: str = "",
    service: str = "",
    language: str = "",
    text: str = "",
    include_inactive: bool = False,
) -> list[PartnerUnit]:
    """Units for the register's list, by organisation name then unit name.

    ``kind``: the organisation's ``OrganisationKind``; ``municipality``: units covering it
    (naming it, or naming none: the whole county); ``service``, ``language``: units offering
    that ``ServiceKind`` / speaking that ISO 639-1 code; ``text``: part of the organisation's
    or the unit's name (case-insensitive). Inactive units (or of an inactive organisation)
    only with ``include_inactive``. The JSON lists are filtered in Python (see
    ``units_for_referral``)."""
    units = PartnerUnit.objects.select_related("organisation").order_by("organisation__name", "name", "id")
    if not include_inactive:
        units = units.filter(active=True, organisation__active=True)
    if kind:
        units = units.filter(organisation__kind=kind)
    if text:
        units = units.filter(Q(name__icontains=text) | Q(organisation__name__icontains=text))
    found = []
    for unit in units:
        if municipality and unit.municipalities and municipality not in unit.municipalities:
            continue
        if service and service not in unit.services:
            continue
        if language and language not in unit.languages:
            continue
        found.append(unit)
    return found


def organisations_list(*, include_inactive: bool = True) -> QuerySet[PartnerOrganisation]:
    """Every organisation by name, with its number of units as ``unit_count``."""
    organisations = PartnerOrganisation.objects.annotate(unit_count=Count("units")).order_by("name", "id")
    if not include_inactive:
        organisations = organisations.filter(active=True)
    return organisations


def organisation_get(organisation_id: int) -> PartnerOrganisation | None:
    """The organisation with that id, or ``None``."""
    return PartnerOrganisation.objects.filter(pk=organisation_id).first()


def unit_members(unit: PartnerUnit) -> QuerySet[UnitMembership]:
    """The unit's memberships with their users, unit admins first, then by name."""
    return (
        UnitMembership.objects.filter(unit=unit)
        .select_related("user")
        .order_by("-is_unit_admin", "user__last_name", "user__first_name", "id")
    )


def professional_for_attach(viewer: Any, email: str) -> tuple[User, list[PartnerUnit]] | None:
    """For the register administrator's invite page: the existing partner professional's
    account with address ``email`` (case-insensitive) and all their units (active or not,
    by organisation then unit name), so that adding them to another unit is an explicit
    choice made with their current units in view. ``None`` when there is no such account,
    when it is another role's, or when ``viewer`` does not maintain the register (a unit
    admin may not learn who has an account: ``services.professional_invite``)."""
    if not user_has_capability(viewer, Capability.MANAGE_PARTNER_REGISTER) or not email:
        return None
    user = User.objects.filter(email__iexact=email.strip(), role=Role.PARTNER).first()
    if user is None:
        return None
    units = list(
        PartnerUnit.objects.filter(memberships__user=user)
        .select_related("organisation")
        .order_by("organisation__name", "name", "id")
    )
    return user, units
