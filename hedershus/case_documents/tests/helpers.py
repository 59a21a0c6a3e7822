"""Cases and files for the documents tests. The file builders are the CMS's and messaging's
own (one set of hostile files for every check of uploads)."""

from __future__ import annotations

import secrets
from typing import Any

from django.utils import timezone

from hedershus.cases.models import Case, CaseAssignment
from hedershus.cms.tests.test_documents import _names_js, docx, odt, pdf  # noqa: F401
from hedershus.messaging.tests.test_attachments import jpeg_with_gps, png  # noqa: F401

EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200


def case_make(*assigned: Any, supervisor: Any = None, protected: bool = False) -> Case:
    """A case with ``assigned`` users assigned to it (the first one opened it)."""
    opener = assigned[0] if assigned else supervisor
    now = timezone.now()
    case = Case.objects.create(
        reference=f"T-{secrets.token_hex(4)}",
        opened_by=opener,
        opened_at=now,
        supervisor=supervisor,
        protected_identity=protected,
    )
    for user in assigned:
        CaseAssignment.objects.create(case=case, user=user, assigned_by=opener, assigned_at=now)
    return case
