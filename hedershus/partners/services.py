"""Writes of the partner register (R19). Each runs in one transaction with its audit event
(``hedershus.audit.services.audit_record``) and checks its actor itself, whoever calls it (a
view, the import command, another app).

Who may do what:
- register administrators (``Capability.MANAGE_PARTNER_REGISTER``): everything here;
- a unit's members (active partner professionals): set the unit's free places;
- a unit's own administrators (``UnitMembership.is_unit_admin``): invite and remove the
  unit's professionals.
Anyone else gets ``NotFound`` for a unit (they may not learn that it exists) or
``AccessDenied`` for the register as a whole.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any, NoReturn
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from hedershus.audit.services import audit_record
from hedershus.core.access import Capability, Role, user_has_capability
from hedershus.core.exceptions import AccessDenied, ApplicationError, Conflict, InvalidInput, NotFound
from hedershus.core.notifications import notify_new_item_on_commit
from hedershus.partners import selectors
from hedershus.partners.models import (
    OrganisationKind,
    PartnerOrganisation,
    PartnerUnit,
    ServiceKind,
    UnitMembership,
)
from hedershus.partners.validation import (
    CAPACITY_MAX,
    OrganisationData,
    UnitData,
    keeps_free_places,
    organisation_problems,
    unit_problems,
)

UNIT_FIELDS = tuple(f.name for f in fields(UnitData) if f.name != "keep")
ORGANISATION_FIELDS = ("name", "kind", "municipality", "org_number", "active")


def _require_register_admin(actor: Any) -> None:
    if not user_has_capability(actor, Capability.MANAGE_PARTNER_REGISTER):
        raise AccessDenied(_("Only administrators maintain the partner register."))


def _refuse(problems: list[tuple[str, str]]) -> None:
    if problems:
        raise InvalidInput(
            " ".join(message for _field, message in problems), extra={"fields": [f for f, _m in problems]}
        )


def _unit_values(data: UnitData) -> dict[str, Any]:
    values: dict[str, Any] = {name: getattr(data, name) for name in UNIT_FIELDS if name not in data.keep}
    for name in ("services", "municipalities", "districts", "languages", "audiences"):
        if name in values:
            values[name] = list(values[name])
    return values


# --- Organisations ---------------------------------------------------------------------------


def organisation_create(*, actor: Any, data: OrganisationData) -> PartnerOrganisation:
    """Adds an organisation. ``InvalidInput`` for bad data (``validation``) or a name in use;
    ``AccessDenied`` unless ``actor`` maintains the register. Audited
    ``partners.organisation_created``."""
    _require_register_admin(actor)
    _refuse(organisation_problems(data))
    try:
        with transaction.atomic():
            organisation = PartnerOrganisation.objects.create(
                **{name: getattr(data, name) for name in ORGANISATION_FIELDS}
            )
            audit_record(
                "partners.organisation_created", actor=actor, target=organisation, data={"kind": data.kind}
            )
    except IntegrityError:
        raise InvalidInput(_("An organisation with this name already exists.")) from None
    return organisation


def organisation_update(*, actor: Any, organisation_id: int, data: OrganisationData) -> PartnerOrganisation:
    """Changes an organisation (``active=False`` deactivates it: its units are then offered
    for no referral). Locks and re-reads the row; nothing changed means nothing saved or
    audited. Audited ``partners.organisation_updated`` with the names of the changed fields."""
    _require_register_admin(actor)
    _refuse(organisation_problems(data))
    try:
        with transaction.atomic():
            organisation = PartnerOrganisation.objects.select_for_update().filter(pk=organisation_id).first()
            if organisation is None:
                raise NotFound(_("No such organisation."))
            changed = [
                name for name in ORGANISATION_FIELDS if getattr(organisation, name) != getattr(data, name)
            ]
            if not changed:
                return organisation
            for name in changed:
                setattr(organisation, name, getattr(data, name))
            organisation.save(update_fields=changed)
            audit_record(
                "partners.organisation_updated", actor=actor, target=organisation, data={"fields": changed}
            )
    except IntegrityError:
        raise InvalidInput(_("An organisation with this name already exists.")) from None
    return organisation


# --- Units -----------------------------------------------------------------------------------


def unit_create(*, actor: Any, organisation_id: int, data: UnitData) -> PartnerUnit:
    """Adds a unit to an organisation. ``InvalidInput`` for bad data or a name the
    organisation already uses. Audited ``partners.unit_created``."""
    _require_register_admin(actor)
    _refuse(unit_problems(data))
    try:
        with transaction.atomic():
            organisation = PartnerOrganisation.objects.filter(pk=organisation_id).first()
            if organisation is None:
                raise NotFound(_("No such organisation."))
            unit = _unit_create_row(organisation, data)
            audit_record(
                "partners.unit_created", actor=actor, target=unit, data={"organisation": organisation.pk}
            )
    except IntegrityError:
        raise InvalidInput(_("This organisation already has a unit with this name.")) from None
    return unit


def _unit_create_row(organisation: PartnerOrganisation, data: UnitData) -> PartnerUnit:
    values = _unit_values(data)
    if values.get("capacity_free") is not None:
        values["capacity_updated_at"] = timezone.now()
    return PartnerUnit.objects.create(organisation=organisation, **values)


def _unit_update_row(unit: PartnerUnit, data: UnitData) -> list[str]:
    """Sets ``unit``'s fields from ``data`` (the row locked by the caller); returns the names
    of the fields that changed (saved), [] when none did."""
    values = _unit_values(data)
    changed = [name for name, value in values.items() if getattr(unit, name) != value]
    if not changed:
        return []
    for name in changed:
        setattr(unit, name, values[name])
    update = [*changed, "updated_at"]
    if "capacity_free" in changed:
        unit.capacity_updated_at = timezone.now()
        update.append("capacity_updated_at")
    unit.save(update_fields=update)
    return changed


def unit_update(*, actor: Any, unit_id: int, data: UnitData) -> PartnerUnit:
    """Changes a unit's fields to ``data`` (``active=False`` deactivates it). A changed
    number of free places also sets ``capacity_updated_at``. Audited
    ``partners.unit_updated`` with the changed fields' names (no values: they may be long)."""
    _require_register_admin(actor)
    _refuse(unit_problems(data))
    try:
        with transaction.atomic():
            unit = PartnerUnit.objects.select_for_update().filter(pk=unit_id).first()
            if unit is None:
                raise NotFound(_("No such unit."))
            changed = _unit_update_row(unit, data)
            if changed:
                audit_record("partners.unit_updated", actor=actor, target=unit, data={"fields": changed})
    except IntegrityError:
        raise InvalidInput(_("This organisation already has a unit with this name.")) from None
    return unit


def unit_capacity_set(*, actor: Any, unit_id: int, free_places: int) -> PartnerUnit:
    """Sets how many places a unit has free now (0..``CAPACITY_MAX``) and when that was said.

    ``actor``: a member of that (active) unit, or a register administrator; anyone else gets
    ``NotFound``. ``InvalidInput`` for a number outside the range, and for a unit that
    offers neither a shelter nor protected housing (``validation.keeps_free_places``: only
    a unit with beds has free places; tester's defect 3), nothing saved. Audited
    ``partners.capacity_set`` with the old and new number (set again to the same number, it
    is still audited and dated: the unit confirmed it).
    """
    if (
        not user_has_capability(actor, Capability.MANAGE_PARTNER_REGISTER)
        and not selectors.units_of_professional(actor).filter(pk=unit_id).exists()
    ):
        raise NotFound(_("No such unit."))
    if (
        isinstance(free_places, bool)
        or not isinstance(free_places, int)
        or not 0 <= free_places <= CAPACITY_MAX
    ):
        raise InvalidInput(_("Free places are a number from 0 to %(max)s.") % {"max": CAPACITY_MAX})
    with transaction.atomic():
        unit = PartnerUnit.objects.select_for_update().filter(pk=unit_id).first()
        if unit is None:
            raise NotFound(_("No such unit."))
        if not keeps_free_places(unit.services):
            raise InvalidInput(
                _(
                    "Only a shelter or protected housing keeps a count of free places, and this "
                    "unit offers neither: nothing was saved."
                )
            )
        before = unit.capacity_free
        unit.capacity_free = free_places
        unit.capacity_updated_at = timezone.now()
        unit.save(update_fields=["capacity_free", "capacity_updated_at", "updated_at"])
        audit_record(
            "partners.capacity_set", actor=actor, target=unit, data={"from": before, "to": free_places}
        )
    return unit


# --- The file import -------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportRow:
    """One checked row of an import file (``imports.rows_read``): the organisation it names
    (``organisation.kind`` may be "" for one that exists already) and its unit."""

    line: int
    organisation: OrganisationData
    unit: UnitData


@dataclass(frozen=True)
class ImportReport:
    organisations_created: int
    units_created: int
    units_updated: int
    units_unchanged: int


def register_import(*, actor: Any, rows: Sequence[ImportRow], file_kind: str) -> ImportReport:
    """Creates or updates units from checked rows, all in one transaction: any failure
    leaves the register as it was. A unit is matched by organisation name and unit name; an
    organisation not in the register is created (its row must give a kind), and for one that
    exists a row's kind, municipality and organisation number replace the stored ones when
    given. Audited: one ``partners.imported`` with the counts, and one
    ``partners.unit_created``/``unit_updated`` per unit that changed."""
    _require_register_admin(actor)
    organisations_created = units_created = units_updated = units_unchanged = 0
    with transaction.atomic():
        organisations = {o.name: o for o in PartnerOrganisation.objects.select_for_update()}
        for row in rows:
            organisation = organisations.get(row.organisation.name)
            if organisation is None:
                organisation = PartnerOrganisation.objects.create(
                    **{name: getattr(row.organisation, name) for name in ORGANISATION_FIELDS}
                )
                organisations[organisation.name] = organisation
                organisations_created += 1
                audit_record(
                    "partners.organisation_created",
                    actor=actor,
                    target=organisation,
                    data={"kind": organisation.kind, "import": True},
                )
            else:
                changed = [
                    name
                    for name in ("kind", "municipality", "org_number")
                    if getattr(row.organisation, name)
                    and getattr(row.organisation, name) != getattr(organisation, name)
                ]
                for name in changed:
                    setattr(organisation, name, getattr(row.organisation, name))
                if changed:
                    organisation.save(update_fields=changed)
                    audit_record(
                        "partners.organisation_updated",
                        actor=actor,
                        target=organisation,
                        data={"fields": changed, "import": True},
                    )
            unit = (
                PartnerUnit.objects.select_for_update()
                .filter(organisation=organisation, name=row.unit.name)
                .first()
            )
            if unit is None:
                unit = _unit_create_row(organisation, row.unit)
                units_created += 1
                audit_record(
                    "partners.unit_created",
                    actor=actor,
                    target=unit,
                    data={"organisation": organisation.pk, "import": True},
                )
            else:
                changed = _unit_update_row(unit, row.unit)
                if changed:
                    units_updated += 1
                    audit_record(
                        "partners.unit_updated",
                        actor=actor,
                        target=unit,
                        data={"fields": changed, "import": True},
                    )
                else:
                    units_unchanged += 1
        report = ImportReport(organisations_created, units_created, units_updated, units_unchanged)
        audit_record(
            "partners.imported",
            actor=actor,
            object_type="partners.partnerunit",
            data={"format": file_kind, "rows": len(rows), **report.__dict__},
        )
    return report


# --- The public help directory ---------------------------------------------------------------

_TREATMENT_SERVICES = frozenset({ServiceKind.HEALTH_CARE, ServiceKind.PSYCHIATRY, ServiceKind.YOUTH_CLINIC})


def _directory_kind(unit: PartnerUnit) -> str:
    """The help directory's kind of entry (``cms.models.DirectoryEntryKind``) for a unit."""
    kind = unit.organisation.kind
    if kind == OrganisationKind.NGO:
        return "ngo"
    if kind in (OrganisationKind.SHELTER, OrganisationKind.PROTECTED_HOUSING):
        return "protected_housing"
    if kind == OrganisationKind.REGION and _TREATMENT_SERVICES.intersection(unit.services):
        return "treatment"
    if kind == OrganisationKind.OTHER:
        return "expert"
    return "authority"


def _directory_area(unit: PartnerUnit) -> str:
    if not unit.municipalities:
        return str(_("Stockholm County"))
    area = ", ".join(unit.municipalities)
    if unit.districts:
        area += f" ({', '.join(unit.districts)})"
    return area[:200]


def _web_domain(web: str) -> str:
    """The help directory shows a web address as its domain only (as text, not a link)."""
    return (urlsplit(web).hostname or "")[:200] if web else ""


def directory_entries() -> list[Any]:
    """The help directory's register entries (``cms.services.DirectoryEntryData``): one per
    public, active unit of an active organisation, keyed ``unit-<id>``, in Swedish (the
    default language, whose directory page they feed)."""
    from hedershus.cms.services import DirectoryEntryData

    units = PartnerUnit.objects.filter(public=True, active=True, organisation__active=True).select_related(
        "organisation"
    )
    with translation.override(settings.LANGUAGE_CODE):
        return [
            DirectoryEntryData(
                source_key=f"unit-{unit.pk}",
                kind=_directory_kind(unit),
                name=f"{unit.organisation.name} \N{EN DASH} {unit.name}"[:200],
                phone=unit.phone[:64],
                web=_web_domain(unit.web),
                area=_directory_area(unit),
                description=unit.public_description,
            )
            for unit in units.order_by("organisation__name", "name", "id")
        ]


def directory_publish(*, actor: Any) -> int:
    """Sends the public units to the help directory page(s) of the default language through
    ``cms.services.directory_entries_sync``: a new draft revision per page, which goes live
    when an editor has it reviewed and published, like any change to a page. Editors' own
    entries stay. Returns how many entries were sent. ``Conflict`` when the site has no help
    directory page. Audited ``partners.directory_published``."""
    from wagtail.models import Locale

    from hedershus.cms.models import DirectoryEntrySource, HelpDirectoryPage
    from hedershus.cms.services import directory_entries_sync

    _require_register_admin(actor)
    entries = directory_entries()
    with transaction.atomic():
        pages = list(HelpDirectoryPage.objects.filter(locale=Locale.get_default()).order_by("path"))
        if not pages:
            raise Conflict(
                _("The public site has no help directory page yet: an editor must create one first.")
            )
        for page in pages:
            directory_entries_sync(page, entries, source=DirectoryEntrySource.PARTNER_REGISTER, user=actor)
        audit_record(
            "partners.directory_published",
            actor=actor,
            object_type="cms.helpdirectorypage",
            data={"entries": len(entries), "pages": [page.pk for page in pages]},
        )
    return len(entries)


# --- Partner professionals -------------------------------------------------------------------


def _require_unit_manager(actor: Any, unit_id: int) -> PartnerUnit:
    """The unit, if ``actor`` maintains the register or is an admin of that unit; ``NotFound``
    for anyone else (they may not learn that the unit exists)."""
    if user_has_capability(actor, Capability.MANAGE_PARTNER_REGISTER):
        unit = selectors.unit_get(unit_id)
    else:
        unit = selectors.unit_admin_units(actor).filter(pk=unit_id).first()
    if unit is None:
        raise NotFound(_("No such unit."))
    return unit


# One answer for every address that has an account, whatever its kind or state: a unit
# administrator must not learn from the form which addresses are the centre's staff, another
# organisation's professionals or closed accounts (issue: partner register defects, item 1).
EXISTING_ACCOUNT_REFUSAL = _(
    "This address cannot be invited from here: it already has an account in Hedershus. "
    "If the person should work in your unit, ask the centre's register administrator."
)


# Refused invitations per unit administrator (tester's defect 2: the refusal tells a unit
# admin that an address has an account, so probing many addresses must be slow and seen).
# Counted in the cache (shared when Redis is configured), like the sign-in back-off
# (``accounts.throttle``); the window starts with the first refusal. At the limit every
# invitation by that admin is refused, a new address's too, until the window ends.
INVITE_REFUSALS_MAX = 5
INVITE_REFUSALS_WINDOW_SECONDS = 3600
_INVITE_REFUSALS_PREFIX = "hedershus:partners:invite-refused"

INVITATIONS_PAUSED = _(
    "Too many of your invitations were refused: for safety, your invitations are paused for "
    "an hour. The centre's register administrator can add the person."
)


class InvitationsPaused(ApplicationError):
    """A unit administrator had ``INVITE_REFUSALS_MAX`` invitations refused in the window:
    429 until it ends."""

    status = 429


class _ExistingAccount(Exception):
    """Leaves ``professional_invite``'s transaction, so its refusal is audited outside it."""


def invite_refusals_key(actor: Any) -> str:
    """The cache key counting ``actor``'s refused invitations."""
    return f"{_INVITE_REFUSALS_PREFIX}:{actor.pk}"


def _address_key(email: str) -> str:
    """A keyed hash of an address (32 hex digits; HMAC from ``SECRET_KEY``): the audit log
    can tell the same address tried twice, never which address it was."""
    return salted_hmac("hedershus.partners.invite_refused", email.strip().casefold()).hexdigest()[:32]


def _invite_refused(*, actor: Any, unit: PartnerUnit, email: str, reason: str) -> NoReturn:
    """Audits a refused invitation (``partners.invite_refused``: the unit as target, the
    actor, ``reason`` "existing_account" or "paused", the address's keyed hash) in its own
    transaction, counts an "existing_account" one against ``actor`` (``INVITE_REFUSALS_MAX``
    per ``INVITE_REFUSALS_WINDOW_SECONDS``) and raises ``Conflict`` or ``InvitationsPaused``."""
    refusals = int(cache.get(invite_refusals_key(actor), 0))
    if reason == "existing_account":
        key = invite_refusals_key(actor)
        cache.add(key, 0, timeout=INVITE_REFUSALS_WINDOW_SECONDS)
        try:
            refusals = int(cache.incr(key))
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=INVITE_REFUSALS_WINDOW_SECONDS)
            refusals = 1
    with transaction.atomic():
        audit_record(
            "partners.invite_refused",
            actor=actor,
            target=unit,
            data={"reason": reason, "address_key": _address_key(email), "refusals": refusals},
        )
    if reason == "paused":
        raise InvitationsPaused(INVITATIONS_PAUSED)
    raise Conflict(EXISTING_ACCOUNT_REFUSAL)


def professional_invite(
    *,
    actor: Any,
    unit_id: int,
    email: str,
    first_name: str,
    last_name: str,
    is_unit_admin: bool,
    origin: str,
    attach_existing: bool = False,
) -> Any:
    """Makes a person a professional of a unit and returns their ``accounts.User``.

    ``actor``: a register administrator, or an admin of that unit (``NotFound`` for anyone
    else).

    - No account for ``email``: creates one with role ``partner`` and no usable password and
      mails its owner the one-time set-up link (``accounts.services.setup_link_send``; the
      actor never sees it; a second factor is set up before any page opens, by the MFA
      middleware). If the mail cannot be sent, nothing is created.
    - An account exists and ``actor`` is a unit administrator: ``Conflict`` with
      ``EXISTING_ACCOUNT_REFUSAL``, the same for every kind of account (staff, another
      unit's professional, deactivated), and nothing changes. Only the centre attaches an
      existing person to a unit: a unit admin must not pull another organisation's
      professional into their unit, nor learn who has an account.
    - An account exists and ``actor`` is a register administrator: a partner professional's
      account is added to the unit only with ``attach_existing=True`` (the page shows the
      person's current units first: ``selectors.professional_for_attach``); without it,
      ``Conflict``. A deactivated account is reactivated. The person gets the neutral
      notification (``core.notifications``) after commit. Another role's account:
      ``Conflict``.

    - ``actor`` is a unit administrator whose invitations were refused
      ``INVITE_REFUSALS_MAX`` times within ``INVITE_REFUSALS_WINDOW_SECONDS``:
      ``InvitationsPaused`` (429) for any address until the window ends. Every refusal of a
      unit administrator's invitation is audited ``partners.invite_refused`` (unit, actor,
      reason, a keyed hash of the address: never the address).

    ``Conflict`` too when the person is a member already; ``InvalidInput`` for a bad address
    or missing names. ``origin``: the site's scheme and host, for the link. Audited
    ``partners.professional_added`` (ids only), and the account's own
    ``user.created``/``user.setup_link_issued``/``user.reactivated``.
    """
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    unit = _require_unit_manager(actor, unit_id)
    register_admin = user_has_capability(actor, Capability.MANAGE_PARTNER_REGISTER)
    email = email.strip()
    first_name, last_name = first_name.strip(), last_name.strip()
    try:
        validate_email(email)
    except ValidationError:
        raise InvalidInput(_("Enter a valid e-mail address.")) from None
    if not first_name or not last_name:
        raise InvalidInput(_("Give the professional's first and last name."))
    if not register_admin and int(cache.get(invite_refusals_key(actor), 0)) >= INVITE_REFUSALS_MAX:
        _invite_refused(actor=actor, unit=unit, email=email, reason="paused")
    try:
        return _professional_invite_write(
            actor=actor,
            unit=unit,
            register_admin=register_admin,
            email=email,
            first_name=first_name,
            last_name=last_name,
            is_unit_admin=is_unit_admin,
            origin=origin,
            attach_existing=attach_existing,
        )
    except _ExistingAccount:
        _invite_refused(actor=actor, unit=unit, email=email, reason="existing_account")


def _professional_invite_write(
    *,
    actor: Any,
    unit: PartnerUnit,
    register_admin: bool,
    email: str,
    first_name: str,
    last_name: str,
    is_unit_admin: bool,
    origin: str,
    attach_existing: bool,
) -> Any:
    """``professional_invite``'s transaction, once the actor and the input are checked.
    Raises ``_ExistingAccount`` (nothing written) for an existing account and a unit admin."""
    from allauth.account.models import EmailAddress

    from hedershus.accounts.models import User

    # The same internals as accounts.services.user_create: only the owner of the mailbox
    # gets the link. (user_create itself requires MANAGE_USERS, which unit admins lack.)
    from hedershus.accounts.services import setup_link_send

    with transaction.atomic():
        user = User.objects.select_for_update().filter(email__iexact=email).first()
        created = False
        if user is None:
            user = User.objects.create_user(
                email=email, first_name=first_name, last_name=last_name, role=Role.PARTNER
            )
            EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=False)
            audit_record("user.created", actor=actor, target=user, data={"role": Role.PARTNER})
            created = True
        elif not register_admin:
            raise _ExistingAccount
        elif user.role != Role.PARTNER:
            raise Conflict(_("This address belongs to an account that is not a partner professional's."))
        elif UnitMembership.objects.filter(unit=unit, user=user).exists():
            raise Conflict(_("This person is a professional of the unit already."))
        elif not attach_existing:
            raise Conflict(
                _(
                    "This address belongs to an existing partner professional: confirm that they "
                    "should be added to this unit as well."
                )
            )
        elif not user.is_active:
            user.is_active = True
            user.save(update_fields=["is_active"])
            audit_record("user.reactivated", actor=actor, target=user)
        if UnitMembership.objects.filter(unit=unit, user=user).exists():
            raise Conflict(_("This person is a professional of the unit already."))
        UnitMembership.objects.create(unit=unit, user=user, is_unit_admin=is_unit_admin, added_by=actor)
        audit_record(
            "partners.professional_added",
            actor=actor,
            target=unit,
            data={"user": user.pk, "is_unit_admin": is_unit_admin, "new_account": created},
        )
        if created:
            audit_record("user.setup_link_issued", actor=actor, target=user, data={"delivery": "email"})
            setup_link_send(user, origin)
        else:
            # The person learns of the new unit by the one neutral mail, after commit.
            notify_new_item_on_commit([user.email])
    return user


def professional_remove(*, actor: Any, unit_id: int, user_id: int) -> bool:
    """Removes a professional from a unit; returns whether their account was deactivated
    (it was their last unit: a partner professional without a unit has nothing to do here).

    ``actor``: a register administrator or an admin of that unit; ``NotFound`` for anyone
    else and for a user who is not a member. Audited ``partners.professional_removed``, and
    ``user.deactivated`` when the account was deactivated.
    """
    from hedershus.accounts.models import User

    unit = _require_unit_manager(actor, unit_id)
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=user_id).first()
        membership = UnitMembership.objects.filter(unit=unit, user_id=user_id).first() if user else None
        if user is None or membership is None:
            raise NotFound(_("No such professional in this unit."))
        membership.delete()
        audit_record("partners.professional_removed", actor=actor, target=unit, data={"user": user.pk})
        deactivated = False
        if user.is_active and not UnitMembership.objects.filter(user=user).exists():
            user.is_active = False
            user.save(update_fields=["is_active"])
            audit_record("user.deactivated", actor=actor, target=user)
            deactivated = True
    return deactivated
