"""Follow-up's staff URLs in the access matrix (core/tests/test_access_matrix.py): every page
belongs to whoever handles cases, on a case the signed-in user works on."""

from __future__ import annotations

from typing import Any

from hedershus.core.access import Capability, roles_with


def _case(target: Any) -> Any:
    from django.utils import timezone

    from hedershus.accounts.models import User
    from hedershus.cases.models import Case, CaseAssignment

    now = timezone.now()
    case = Case.objects.create(
        reference=f"FM-{Case.objects.count() + 1:05d}", opened_by=target, opened_at=now
    )
    for user in User.objects.filter(role__in=roles_with(Capability.HANDLE_CASES)):
        CaseAssignment.objects.create(case=case, user=user, assigned_by=target, assigned_at=now)
    return case


def _case_kwargs(target: Any) -> dict[str, Any]:
    return {"case_id": _case(target).pk}


def _measure_kwargs(target: Any) -> dict[str, Any]:
    import datetime as dt

    from hedershus.followup.services import measure_add

    case = _case(target)
    measure = measure_add(user=target, case=case, kind="safety_plan", started_on=dt.date(2026, 1, 5))
    return {"case_id": case.pk, "measure_id": measure.pk}


def entries() -> dict[str, dict[str, Any]]:
    handlers = frozenset(roles_with(Capability.HANDLE_CASES))
    return {
        "followup:timeline": {"allowed": handlers, "object_kwargs": _case_kwargs},
        "followup:new": {"allowed": handlers, "object_kwargs": _case_kwargs},
        "followup:measure_new": {"allowed": handlers, "object_kwargs": _case_kwargs},
        "followup:measure_end": {"allowed": handlers, "object_kwargs": _measure_kwargs},
    }
