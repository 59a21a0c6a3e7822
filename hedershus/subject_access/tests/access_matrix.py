"""Data-subject request URLs in the access matrix (core/tests/test_access_matrix.py): the list
and the new-request form for everyone who may prepare extracts; a URL naming a request only
for the staff member who prepared it and the supervisors, 404 for anyone else. In the matrix
the request is prepared by the target user (another counsellor), so of the roles only the
supervisor reaches it."""

from __future__ import annotations

import itertools
from typing import Any

from hedershus.core.access import Capability, roles_with

_numbers = itertools.count(1)


def make_request(preparer: Any, *, approved_by: Any = None) -> Any:
    """A request with no persons found, prepared by ``preparer``; approved by ``approved_by``
    (a supervisor) when given."""
    from django.utils import timezone

    from hedershus.core.crypto import encrypt_text
    from hedershus.subject_access.models import RequestStatus, SubjectAccessRequest

    now = timezone.now()
    return SubjectAccessRequest.objects.create(
        identity_number_encrypted=encrypt_text("191212121212"),
        received_on=timezone.localdate(),
        identity_check="e_id",
        person_ids=[],
        prepared_by=preparer,
        prepared_at=now,
        status=RequestStatus.APPROVED if approved_by is not None else RequestStatus.PREPARED,
        decided_by=approved_by,
        decided_at=now if approved_by is not None else None,
    )


def _approver() -> Any:
    from hedershus.accounts.models import User
    from hedershus.core.access import Role

    return User.objects.create_user(
        email=f"approver-{next(_numbers)}@example.org", password="x-not-used-x", role=Role.SUPERVISOR
    )


def _prepared(target: Any) -> dict[str, Any]:
    return {"request_id": make_request(target).pk}


def _approved(target: Any) -> dict[str, Any]:
    return {"request_id": make_request(target, approved_by=_approver()).pk}


def entries() -> dict[str, dict[str, Any]]:
    preparers = frozenset(roles_with(Capability.PREPARE_SUBJECT_ACCESS_EXTRACTS))
    supervisors = frozenset(roles_with(Capability.SUPERVISE_CASES))
    moved = frozenset({302})
    return {
        "subject_access:list": {"allowed": preparers},
        "subject_access:new": {"allowed": preparers},
        "subject_access:detail": {"allowed": supervisors, "object_kwargs": _prepared},
        # An empty POST: refused with a message and sent back to the request.
        "subject_access:item_decide": {
            "allowed": supervisors,
            "method": "post",
            "object_kwargs": _prepared,
            "ok_statuses": moved,
        },
        # An empty POST carries no fingerprint of the decisions shown: refused with a message
        # and sent back to the request.
        "subject_access:approve": {
            "allowed": supervisors,
            "method": "post",
            "object_kwargs": _prepared,
            "ok_statuses": moved,
        },
        # No reason given: sent back to the form with the error (POST/redirect/GET).
        "subject_access:refuse": {
            "allowed": supervisors,
            "method": "post",
            "object_kwargs": _prepared,
            "ok_statuses": moved,
        },
        "subject_access:deliver": {
            "allowed": supervisors,
            "method": "post",
            "object_kwargs": _approved,
            "ok_statuses": moved,
        },
        "subject_access:download_pdf": {"allowed": supervisors, "object_kwargs": _approved},
        "subject_access:download_json": {"allowed": supervisors, "object_kwargs": _approved},
    }
