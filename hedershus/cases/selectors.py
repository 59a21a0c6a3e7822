"""Reads of cases that apply the access rules (R20): every view and app that shows a case
goes through here. Writes, and the audit events of reads, are in ``services``."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hedershus.cases.models import Case, CaseAccessGrant, CaseAssignment
from hedershus.core.access import Capability, user_has_capability
from hedershus.core.exceptions import ApplicationError, NotFound


class CaseReasonRequired(ApplicationError):
    """The user handles cases but is outside this one: they may open it after giving a
    reason (``services.case_access_grant``). Views answer with the reason form."""

    status = 403
    code = "reason_required"

    def __init__(self, case: Case) -> None:
        super().__init__(_("You are not assigned to this case. Give a reason to open it."))
        self.case = case


def user_is_assigned(user: Any, case: Case) -> bool:
    """Whether ``user`` works on ``case`` (one query unless assignments are prefetched)."""
    return case.assignments.filter(user_id=user.pk).exists()


def user_is_case_insider(user: Any, case: Case) -> bool:
    """Assigned staff and the case's supervisor: they open the case without a reason."""
    return case.supervisor_id == user.pk or user_is_assigned(user, case)


def user_may_see_protected_fields(user: Any, case: Case) -> bool:
    """Identity and location of a case with protected identity: the assigned staff only (R20,
    skyddade personuppgifter); for other cases everyone who may open the case."""
    return not case.protected_identity or user_is_assigned(user, case)


def _valid_grant(user: Any, case: Case) -> bool:
    return CaseAccessGrant.objects.filter(case=case, user_id=user.pk, expires_at__gt=timezone.now()).exists()


def case_get_for_user(user: Any, case_id: int, *, allow_without_reason: bool = False) -> Case:
    """The case ``case_id`` if ``user`` may open it now.

    Raises ``NotFound`` (404) if the case does not exist or ``user`` does not handle cases
    (an outsider cannot tell the two apart), and ``CaseReasonRequired`` (403 with the
    reason form) if ``user`` handles cases but is neither assigned, nor the supervisor, nor
    holding an unexpired grant. ``allow_without_reason`` is for the reason form itself,
    which shows the case number only.
    """
    if not user_has_capability(user, Capability.HANDLE_CASES):
        raise NotFound(_("No such case."))
    case = Case.objects.filter(pk=case_id).select_related("supervisor").first()
    if case is None:
        raise NotFound(_("No such case."))
    if allow_without_reason or user_is_case_insider(user, case) or _valid_grant(user, case):
        return case
    raise CaseReasonRequired(case)


def cases_visible_to(user: Any) -> models.QuerySet[Case]:
    """The cases ``user`` opens without a reason: assigned, or supervised by them, or with an
    unexpired grant. Empty for anyone who does not handle cases."""
    if not user_has_capability(user, Capability.HANDLE_CASES):
        return Case.objects.none()
    assigned = CaseAssignment.objects.filter(user_id=user.pk).values("case_id")
    granted = CaseAccessGrant.objects.filter(user_id=user.pk, expires_at__gt=timezone.now()).values("case_id")
    return Case.objects.filter(
        models.Q(pk__in=assigned) | models.Q(supervisor_id=user.pk) | models.Q(pk__in=granted)
    )


def cases_searchable_by(user: Any) -> models.QuerySet[Case]:
    """Every case ``user`` may find in a search (R20): all cases for staff who handle cases,
    except protected-identity cases they are not assigned to. Finding one is not opening it:
    outside their own cases they still give a reason to open it."""
    if not user_has_capability(user, Capability.HANDLE_CASES):
        return Case.objects.none()
    assigned = CaseAssignment.objects.filter(user_id=user.pk).values("case_id")
    return Case.objects.filter(models.Q(protected_identity=False) | models.Q(pk__in=assigned))
