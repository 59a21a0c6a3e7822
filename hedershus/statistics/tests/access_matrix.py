"""The statistics' staff URLs in the access matrix (core/tests/test_access_matrix.py): the
dashboard and both exports belong to whoever holds ``VIEW_STATISTICS`` (supervisors,
administrators, partner professionals); anyone else gets 403 (the URLs name no object)."""

from __future__ import annotations

from typing import Any

from hedershus.core.access import Capability, roles_with


def entries() -> dict[str, dict[str, Any]]:
    readers = frozenset(roles_with(Capability.VIEW_STATISTICS))
    return {
        "statistics:dashboard": {"allowed": readers},
        "statistics:export_csv": {"allowed": readers},
        "statistics:export_xlsx": {"allowed": readers},
    }
