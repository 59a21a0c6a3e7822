"""Cost sharing's staff URLs in the access matrix (core/tests/test_access_matrix.py): readers of
cost sharing (``VIEW_COST_SHARING``) see every page; only administrators
(``MANAGE_SITE_SETTINGS``) reach the forms and removals. A refused role gets 403, or 404 where
the URL names an agreement or table."""

from __future__ import annotations

from typing import Any

from hedershus.core.access import Capability, roles_with


def _agreement(target: Any) -> Any:
    import datetime as dt

    from django.utils import timezone

    from hedershus.costs.models import (
        CostAgreement,
        CostPart,
        FixedShare,
        MunicipalityPopulation,
        PopulationTable,
    )

    now = timezone.now()
    table = PopulationTable.objects.create(
        reference_date=dt.date(2010, 12, 31), imported_by=target, imported_at=now
    )
    MunicipalityPopulation.objects.create(table=table, number=1, name="Botkyrka", population=82608)
    agreement = CostAgreement.objects.create(
        name="Matrix",
        first_year=2012,
        last_year=2014,
        population_table=table,
        created_by=target,
        created_at=now,
    )
    CostPart.objects.create(
        agreement=agreement, name="Fysiskt hus", amount=5_000_000, first_year=2012, last_year=2014
    )
    FixedShare.objects.create(agreement=agreement, name="Polisen", basis_points=2500)
    return agreement


def _agreement_kwargs(target: Any) -> dict[str, Any]:
    return {"agreement_id": _agreement(target).pk}


def _table_kwargs(target: Any) -> dict[str, Any]:
    return {"table_id": _agreement(target).population_table_id}


def _year_kwargs(target: Any) -> dict[str, Any]:
    return {"agreement_id": _agreement(target).pk, "scope": "2012"}


def _export_kwargs(target: Any) -> dict[str, Any]:
    return {"agreement_id": _agreement(target).pk, "scope": "2012", "fmt": "csv"}


def _part_kwargs(target: Any) -> dict[str, Any]:
    agreement = _agreement(target)
    return {"agreement_id": agreement.pk, "part_id": agreement.parts.get().pk}


def _share_kwargs(target: Any) -> dict[str, Any]:
    agreement = _agreement(target)
    return {"agreement_id": agreement.pk, "share_id": agreement.fixed_shares.get().pk}


def entries() -> dict[str, dict[str, Any]]:
    readers = frozenset(roles_with(Capability.VIEW_COST_SHARING))
    managers = frozenset(roles_with(Capability.MANAGE_SITE_SETTINGS))
    moved = frozenset({302})
    return {
        "costs:index": {"allowed": readers},
        "costs:population_import": {"allowed": managers},
        "costs:population": {"allowed": readers, "object_kwargs": _table_kwargs},
        "costs:agreement_new": {"allowed": managers},
        "costs:agreement": {"allowed": readers, "object_kwargs": _agreement_kwargs},
        "costs:table": {"allowed": readers, "object_kwargs": _year_kwargs},
        "costs:export": {"allowed": readers, "object_kwargs": _export_kwargs},
        "costs:part_new": {"allowed": managers, "object_kwargs": _agreement_kwargs},
        "costs:share_new": {"allowed": managers, "object_kwargs": _agreement_kwargs},
        "costs:part_remove": {
            "allowed": managers,
            "method": "post",
            "object_kwargs": _part_kwargs,
            "ok_statuses": moved,
        },
        "costs:share_remove": {
            "allowed": managers,
            "method": "post",
            "object_kwargs": _share_kwargs,
            "ok_statuses": moved,
        },
    }
