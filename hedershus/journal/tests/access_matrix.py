"""This app's staff URLs in the access matrix (core/tests/test_access_matrix.py).

``entries()`` maps each URL name to the arguments of the matrix's ``Entry``: ``allowed`` (the
roles that reach the page), and as needed ``method``, ``ok_statuses`` and ``object_kwargs``
(a function of the matrix's target user returning the URL's arguments; for a case's pages it
must build a case the signed-in role may open, e.g. by assigning every user who handles
cases, since the outsider tests in test_object_urls.py cover those who may not).

The journal's pages belong to whoever handles cases. A draft's pages (edit, delete, sign)
open only for the draft's author, so their object is a draft of the signed-in user: the
matrix signs its user in just before it builds the URL, so that is the newest user. The
posts (sign, delete) are checked for outsiders in test_object_urls.py; here each URL is
reached by GET, its confirmation or form page.
"""

from __future__ import annotations

from typing import Any

from hedershus.core.access import Capability, roles_with


def _case_everyone_handling_cases_works_on(target: Any) -> Any:
    from django.utils import timezone

    from hedershus.accounts.models import User
    from hedershus.cases.models import Case, CaseAssignment

    now = timezone.now()
    case = Case.objects.create(reference=f"M-{Case.objects.count() + 1:05d}", opened_by=target, opened_at=now)
    for user in User.objects.filter(role__in=roles_with(Capability.HANDLE_CASES)):
        CaseAssignment.objects.create(case=case, user=user, assigned_by=target, assigned_at=now)
    return case


def _case(target: Any) -> dict[str, Any]:
    return {"case_id": _case_everyone_handling_cases_works_on(target).pk}


def _signed_in_users_draft(target: Any) -> dict[str, Any]:
    from hedershus.accounts.models import User
    from hedershus.journal.models import JournalEntry

    case = _case_everyone_handling_cases_works_on(target)
    newest = User.objects.order_by("-pk")[0]
    now = case.opened_at
    draft = JournalEntry.objects.create(
        case=case, author=newest, text_encrypted=_encrypted("utkast"), created_at=now, updated_at=now
    )
    return {"case_id": case.pk, "entry_id": draft.pk}


def _signed_entry(target: Any) -> dict[str, Any]:
    from hedershus.journal.models import JournalEntry

    case = _case_everyone_handling_cases_works_on(target)
    now = case.opened_at
    entry = JournalEntry.objects.create(
        case=case,
        author=target,
        text_encrypted=_encrypted("signerad"),
        created_at=now,
        updated_at=now,
        signed_at=now,
        author_role=target.role,
        author_name="Target",
    )
    return {"case_id": case.pk, "entry_id": entry.pk}


def _encrypted(text: str) -> str:
    from hedershus.core.crypto import encrypt_text

    return encrypt_text(text)


def entries() -> dict[str, dict[str, Any]]:
    handlers = frozenset(roles_with(Capability.HANDLE_CASES))
    return {
        "journal:list": {"allowed": handlers, "object_kwargs": _case},
        "journal:new": {"allowed": handlers, "object_kwargs": _case},
        "journal:edit": {"allowed": handlers, "object_kwargs": _signed_in_users_draft},
        "journal:delete": {"allowed": handlers, "object_kwargs": _signed_in_users_draft},
        "journal:sign": {"allowed": handlers, "object_kwargs": _signed_in_users_draft},
        "journal:correct": {"allowed": handlers, "object_kwargs": _signed_entry},
    }
