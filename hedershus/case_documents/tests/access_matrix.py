"""This app's staff URLs in the access matrix (core/tests/test_access_matrix.py).

``entries()`` maps each URL name to the arguments of the matrix's ``Entry``: ``allowed`` (the
roles that reach the page), and as needed ``method``, ``ok_statuses`` and ``object_kwargs``
(a function of the matrix's target user returning the URL's arguments). Each builds a case
every user who handles cases is assigned to, so the signed-in role may open it; those who
may not are covered by the outsider tests in test_object_urls.py.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.utils import timezone

from hedershus.core.access import Capability, roles_with


def case_of_every_handler(target: Any) -> dict[str, Any]:
    """A case every user with ``HANDLE_CASES`` is assigned to."""
    from hedershus.accounts.models import User
    from hedershus.cases.models import Case, CaseAssignment

    handlers = list(User.objects.filter(role__in=roles_with(Capability.HANDLE_CASES)))
    now = timezone.now()
    opener = handlers[0] if handlers else target
    case = Case.objects.create(reference=f"M-{secrets.token_hex(4)}", opened_by=opener, opened_at=now)
    for user in handlers:
        CaseAssignment.objects.create(case=case, user=user, assigned_by=opener, assigned_at=now)
    return {"case_id": case.pk}


def document_of_such_a_case(target: Any) -> dict[str, Any]:
    """A document with one version (a small text file) in such a case."""
    from hedershus.case_documents.models import CaseDocument, CaseDocumentVersion
    from hedershus.cases.models import Case
    from hedershus.core.crypto import encrypt_bytes, encrypt_text

    kwargs = case_of_every_handler(target)
    case = Case.objects.get(pk=kwargs["case_id"])
    data = b"Anteckning"
    now = timezone.now()
    document = CaseDocument.objects.create(
        case=case, title_encrypted=encrypt_text("Anteckning"), created_by=case.opened_by, created_at=now
    )
    CaseDocumentVersion.objects.create(
        document=document,
        number=1,
        extension="txt",
        content_type="text/plain; charset=utf-8",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        data_encrypted=encrypt_bytes(data),
        uploaded_by=case.opened_by,
        uploaded_at=now,
    )
    return {**kwargs, "document_id": document.pk}


def version_of_such_a_document(target: Any) -> dict[str, Any]:
    return {**document_of_such_a_case(target), "number": 1}


def entries() -> dict[str, dict[str, Any]]:
    handlers = frozenset(roles_with(Capability.HANDLE_CASES))
    return {
        "case_documents:list": {"allowed": handlers, "object_kwargs": case_of_every_handler},
        "case_documents:upload": {"allowed": handlers, "object_kwargs": case_of_every_handler},
        "case_documents:document": {"allowed": handlers, "object_kwargs": document_of_such_a_case},
        "case_documents:new_version": {"allowed": handlers, "object_kwargs": document_of_such_a_case},
        "case_documents:download": {"allowed": handlers, "object_kwargs": version_of_such_a_document},
        # Posted without a reason: the form's own refusal (400) shows the view was reached.
        "case_documents:withdraw": {
            "allowed": handlers,
            "method": "post",
            "object_kwargs": version_of_such_a_document,
            "ok_statuses": frozenset({400}),
        },
    }
