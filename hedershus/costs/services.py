"""Writes of cost sharing (R25), each in one transaction with its audit event, and the audit
events of its reads and exports (issue 12, item 4).

Only administrators change agreements and import population tables
(``Capability.MANAGE_SITE_SETTINGS``); each write checks the actor itself as well as the view
(``AccessDenied`` otherwise), as ``accounts.services`` does. A population table is never
changed after its import: a later year's figures are a new table.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hedershus.audit.services import audit_record
from hedershus.core.access import Capability, user_has_capability
from hedershus.core.exceptions import AccessDenied, Conflict, InvalidInput, NotFound
from hedershus.core.text import bidi_controls_strip, has_visible_text
from hedershus.costs.allocation import WHOLE
from hedershus.costs.models import (
    AMOUNT_MAX,
    FIRST_YEAR_ALLOWED,
    LAST_YEAR_ALLOWED,
    CostAgreement,
    CostPart,
    FixedShare,
    MunicipalityPopulation,
    PopulationTable,
)
from hedershus.costs.population_csv import PopulationFileInvalid, parse_population_csv

# An agreement runs three years in the brief (R25); ten is the most that is not a mistake.
MAX_AGREEMENT_YEARS = 10
NAME_MAX = 200
SOURCE_MAX = 300


class PopulationImportRefused(InvalidInput):
    """The file was not imported; ``problems`` lists every reason, by line and column."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(_("The file was not imported: nothing was saved."), extra={"problems": problems})
        self.problems = problems


def _require_manager(user: Any) -> None:
    if not user_has_capability(user, Capability.MANAGE_SITE_SETTINGS):
        raise AccessDenied(_("Only an administrator may change cost sharing."))


def _clean_name(value: str, *, max_length: int = NAME_MAX) -> str:
    name = " ".join(bidi_controls_strip(value).split())
    if not has_visible_text(name):
        raise InvalidInput(_("Write a name."))
    if len(name) > max_length:
        raise InvalidInput(_("The name is longer than %(max)s characters.") % {"max": max_length})
    return name


def _check_years(first_year: int, last_year: int) -> None:
    if not (FIRST_YEAR_ALLOWED <= first_year <= LAST_YEAR_ALLOWED) or not (
        FIRST_YEAR_ALLOWED <= last_year <= LAST_YEAR_ALLOWED
    ):
        raise InvalidInput(
            _("Years must lie between %(first)s and %(last)s.")
            % {"first": FIRST_YEAR_ALLOWED, "last": LAST_YEAR_ALLOWED}
        )
    if last_year < first_year:
        raise InvalidInput(_("The last year cannot come before the first year."))


def _agreement_locked(agreement_id: int) -> CostAgreement:
    agreement = CostAgreement.objects.select_for_update().filter(pk=agreement_id).first()
    if agreement is None:
        raise NotFound(_("No such agreement."))
    return agreement


def population_table_import(
    *, user: Any, reference_date: dt.date, source_note: str, content: bytes
) -> PopulationTable:
    """Imports a population table from ``content`` (a CSV file's bytes; layout in
    ``population_csv``) as of ``reference_date``, with a note on where the figures come from.

    All or nothing: raises ``PopulationImportRefused`` (400) listing every problem by line and
    column (the file must hold exactly the county's 26 municipalities, see ``population_csv``),
    or when the file's header names another date than ``reference_date``; ``InvalidInput`` for
    a ``reference_date`` after today (figures cannot describe a day to come); ``Conflict``
    (409) when a table for ``reference_date`` exists already (the database's
    ``costs_population_date_once`` decides between two imports at once); ``AccessDenied`` for
    a non-administrator. Never changes an existing table. Audited as
    ``costs.population_imported`` (date, number of rows and total population).
    """
    _require_manager(user)
    if reference_date > timezone.localdate():
        raise InvalidInput(
            _("The reference date %(date)s cannot lie in the future: write the day the figures describe.")
            % {"date": reference_date.isoformat()}
        )
    if PopulationTable.objects.filter(reference_date=reference_date).exists():
        raise _date_taken(reference_date)
    try:
        parsed = parse_population_csv(content)
    except PopulationFileInvalid as error:
        raise PopulationImportRefused([str(problem) for problem in error.problems]) from None
    if parsed.header_date is not None and parsed.header_date != reference_date:
        raise PopulationImportRefused(
            [
                str(
                    _(
                        "Line 1: the file's header names the date %(file)s "
                        "but the reference date given is %(given)s."
                    )
                    % {"file": parsed.header_date.isoformat(), "given": reference_date.isoformat()}
                )
            ]
        )
    note = " ".join(bidi_controls_strip(source_note).split())
    if len(note) > SOURCE_MAX:
        raise InvalidInput(_("The source note is longer than %(max)s characters.") % {"max": SOURCE_MAX})
    try:
        with transaction.atomic():
            table = PopulationTable.objects.create(
                reference_date=reference_date, source_note=note, imported_by=user, imported_at=timezone.now()
            )
            MunicipalityPopulation.objects.bulk_create(
                MunicipalityPopulation(
                    table=table, number=row.number, name=row.name, population=row.population
                )
                for row in parsed.rows
            )
            audit_record(
                "costs.population_imported",
                actor=user,
                target=table,
                data={
                    "reference_date": reference_date.isoformat(),
                    "rows": len(parsed.rows),
                    "total": parsed.total,
                },
            )
    except IntegrityError:
        # Another import of the same date committed between the check above and this one.
        raise _date_taken(reference_date) from None
    return table


def _date_taken(reference_date: dt.date) -> Conflict:
    return Conflict(
        _(
            "A population table for %(date)s exists already: an agreement keeps the table it was "
            "made with, so figures for that day are imported once."
        )
        % {"date": reference_date.isoformat()}
    )


def agreement_create(
    *, user: Any, name: str, first_year: int, last_year: int, population_table_id: int
) -> CostAgreement:
    """Creates an agreement for ``first_year``..``last_year`` (at most ``MAX_AGREEMENT_YEARS``)
    split by the populations of table ``population_table_id``; its parts and fixed shares are
    added afterwards. Raises ``InvalidInput`` for an empty name, implausible years or an
    unknown table; ``AccessDenied`` for a non-administrator. Audited as
    ``costs.agreement_created``."""
    _require_manager(user)
    clean = _clean_name(name)
    _check_years(first_year, last_year)
    if last_year - first_year + 1 > MAX_AGREEMENT_YEARS:
        raise InvalidInput(_("An agreement runs at most %(max)s years.") % {"max": MAX_AGREEMENT_YEARS})
    table = PopulationTable.objects.filter(pk=population_table_id).first()
    if table is None:
        raise InvalidInput(_("Choose a population table."))
    with transaction.atomic():
        agreement = CostAgreement.objects.create(
            name=clean,
            first_year=first_year,
            last_year=last_year,
            population_table=table,
            created_by=user,
            created_at=timezone.now(),
        )
        audit_record(
            "costs.agreement_created",
            actor=user,
            target=agreement,
            data={"first_year": first_year, "last_year": last_year, "population_table": table.pk},
        )
    return agreement


def part_add(
    *, user: Any, agreement_id: int, name: str, amount: int, first_year: int, last_year: int
) -> CostPart:
    """Adds a yearly cost (``amount`` whole kronor a year, 1..``AMOUNT_MAX``) to the agreement
    for ``first_year``..``last_year``, which must lie within the agreement's years. Raises
    ``InvalidInput`` for a bad name, amount or years, ``Conflict`` for a name the agreement
    already has, ``NotFound`` for an unknown agreement. Audited as ``costs.part_added``."""
    _require_manager(user)
    clean = _clean_name(name)
    if not 1 <= amount <= AMOUNT_MAX:
        raise InvalidInput(_("The amount must be a whole number of kronor from 1 to 10 000 000 000."))
    _check_years(first_year, last_year)
    try:
        with transaction.atomic():
            agreement = _agreement_locked(agreement_id)
            if first_year < agreement.first_year or last_year > agreement.last_year:
                raise InvalidInput(
                    _("The years must lie within the agreement's, %(first)s–%(last)s.")  # noqa: RUF001
                    % {"first": agreement.first_year, "last": agreement.last_year}
                )
            part = CostPart.objects.create(
                agreement=agreement, name=clean, amount=amount, first_year=first_year, last_year=last_year
            )
            audit_record(
                "costs.part_added",
                actor=user,
                target=part,
                data={
                    "agreement": agreement.pk,
                    "amount": amount,
                    "first_year": first_year,
                    "last_year": last_year,
                },
            )
    except IntegrityError:
        raise Conflict(_("The agreement already has a part with that name.")) from None
    return part


def part_remove(*, user: Any, agreement_id: int, part_id: int) -> None:
    """Removes part ``part_id`` of agreement ``agreement_id`` (``NotFound`` if it is not that
    agreement's). Audited as ``costs.part_removed`` with the amount and years it had."""
    _require_manager(user)
    with transaction.atomic():
        agreement = _agreement_locked(agreement_id)
        part = CostPart.objects.filter(agreement=agreement, pk=part_id).first()
        if part is None:
            raise NotFound(_("No such part."))
        audit_record(
            "costs.part_removed",
            actor=user,
            target=part,
            data={
                "agreement": agreement.pk,
                "amount": part.amount,
                "first_year": part.first_year,
                "last_year": part.last_year,
            },
        )
        part.delete()


def share_add(*, user: Any, agreement_id: int, name: str, basis_points: int) -> FixedShare:
    """Gives partner ``name`` a fixed share of ``basis_points`` (1..10 000; 2 500 = 25 %).
    Under a lock of the agreement, refuses (``InvalidInput``) a share that would take the
    agreement's fixed shares past 100 %, and a share for a municipality of the agreement's
    population table (its name, trimmed, in any case): a municipality pays its part by
    population already, and a fixed share would make it pay twice. ``Conflict`` for a partner
    already named. Audited as ``costs.share_added``."""
    _require_manager(user)
    clean = _clean_name(name)
    if not 1 <= basis_points <= WHOLE:
        raise InvalidInput(_("A share lies between 0.01 and 100 per cent."))
    try:
        with transaction.atomic():
            agreement = _agreement_locked(agreement_id)
            wanted = unicodedata.normalize("NFC", clean).casefold()
            for municipality in agreement.population_table.rows.values_list("name", flat=True):
                if unicodedata.normalize("NFC", municipality).casefold() == wanted:
                    raise InvalidInput(
                        _(
                            "%(name)s is a municipality of this agreement's population table: it "
                            "pays its part by population already, and a fixed share would make it "
                            "pay twice."
                        )
                        % {"name": municipality}
                    )
            taken = sum(agreement.fixed_shares.values_list("basis_points", flat=True))
            if taken + basis_points > WHOLE:
                raise InvalidInput(
                    _("The fixed shares would add up to %(total)s %%, more than 100 %%.")
                    % {"total": f"{(taken + basis_points) / 100:g}"}
                )
            share = FixedShare.objects.create(agreement=agreement, name=clean, basis_points=basis_points)
            audit_record(
                "costs.share_added",
                actor=user,
                target=share,
                data={"agreement": agreement.pk, "basis_points": basis_points},
            )
    except IntegrityError:
        raise Conflict(_("The agreement already has a fixed share for that partner.")) from None
    return share


def share_remove(*, user: Any, agreement_id: int, share_id: int) -> None:
    """Removes fixed share ``share_id`` of agreement ``agreement_id`` (``NotFound`` if it is
    not that agreement's); the municipalities then split a larger rest. Audited as
    ``costs.share_removed``."""
    _require_manager(user)
    with transaction.atomic():
        agreement = _agreement_locked(agreement_id)
        share = FixedShare.objects.filter(agreement=agreement, pk=share_id).first()
        if share is None:
            raise NotFound(_("No such share."))
        audit_record(
            "costs.share_removed",
            actor=user,
            target=share,
            data={"agreement": agreement.pk, "basis_points": share.basis_points},
        )
        share.delete()


def list_viewed(*, user: Any) -> None:
    """Records that ``user`` read the list of agreements and population tables."""
    with transaction.atomic():
        audit_record("costs.list_viewed", actor=user)


def population_viewed(*, user: Any, table: PopulationTable) -> None:
    """Records that ``user`` read population table ``table``."""
    with transaction.atomic():
        audit_record("costs.population_viewed", actor=user, target=table)


def table_viewed(*, user: Any, agreement: CostAgreement, scope: str) -> None:
    """Records that ``user`` read the agreement's table for ``scope`` ("period" or a year)."""
    with transaction.atomic():
        audit_record("costs.table_viewed", actor=user, target=agreement, data={"scope": scope})


def table_exported(*, user: Any, agreement: CostAgreement, scope: str, fmt: str, via: str = "web") -> None:
    """Records an export of the agreement's table for ``scope`` as ``fmt`` (csv, xlsx, pdf);
    ``user`` None with ``via="command"`` for ``manage.py costs_table`` (the system acts)."""
    with transaction.atomic():
        audit_record(
            "costs.table_exported",
            actor=user,
            target=agreement,
            data={"scope": scope, "format": fmt, "via": via},
        )
