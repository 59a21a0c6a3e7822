"""This app's staff URLs in the access matrix (core/tests/test_access_matrix.py).

``entries()`` maps each URL name to the arguments of the matrix's ``Entry``: ``allowed`` (the
roles that reach the page), and as needed ``method``, ``ok_statuses`` and ``object_kwargs``
(a function of the matrix's target user returning the URL's arguments; for a case's pages it
builds a case every user who handles cases is assigned to, since the outsider tests in
test_object_urls.py cover those who may not).
"""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from hedershus.core.access import Capability, roles_with


def _case_for_every_handler(target: Any) -> Any:
    from hedershus.accounts.models import User
    from hedershus.assessments.tests.helpers import case_make

    handlers = User.objects.filter(role__in=roles_with(Capability.HANDLE_CASES))
    return case_make(*handlers)


def case_kwargs(target: Any) -> dict[str, Any]:
    return {"case_id": _case_for_every_handler(target).pk}


def new_kwargs(target: Any) -> dict[str, Any]:
    return {"case_id": _case_for_every_handler(target).pk, "instrument": "phq9"}


def assessment_kwargs(target: Any) -> dict[str, Any]:
    from hedershus.assessments.models import Assessment
    from hedershus.assessments.services import instrument_shipped_ensure

    case = _case_for_every_handler(target)
    assessment = Assessment.objects.create(
        case=case,
        instrument=instrument_shipped_ensure("asq"),
        answers_encrypted=_encrypted({"q1": 0, "q2": 0, "q3": 0, "q4": 0}),
        result_encrypted=_encrypted(
            {"score": 0, "max_score": 5, "band": None, "outcome": "negative", "level": "none", "triggers": []}
        ),
        performed_by=case.opened_by,
        performed_at=timezone.now(),
    )
    return {"case_id": case.pk, "assessment_id": assessment.pk}


def _encrypted(data: dict[str, Any]) -> str:
    import json

    from hedershus.core.crypto import encrypt_text

    return encrypt_text(json.dumps(data))


def entries() -> dict[str, dict[str, Any]]:
    handlers = frozenset(roles_with(Capability.HANDLE_CASES))
    found: dict[str, dict[str, Any]] = {
        "assessments:list": {"allowed": handlers, "object_kwargs": case_kwargs},
        "assessments:new": {"allowed": handlers, "object_kwargs": new_kwargs},
        "assessments:detail": {"allowed": handlers, "object_kwargs": assessment_kwargs},
    }
    # The supervisors' frame page, once the project's URL conf includes it (frame_urls.py).
    try:
        reverse("assessment_frames:upload")
    except NoReverseMatch:
        pass
    else:
        found["assessment_frames:upload"] = {"allowed": frozenset(roles_with(Capability.SUPERVISE_CASES))}
    return found
