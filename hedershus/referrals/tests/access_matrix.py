"""Referrals' staff URLs in the access matrix (core/tests/test_access_matrix.py): a case's
referrals belong to whoever handles cases, on a case the signed-in user works on;
``/staff/referrals/`` to case handlers; the partner pages to partner professionals, on a
referral in the inbox of a unit the signed-in professional is a member of."""

from __future__ import annotations

from typing import Any

from hedershus.core.access import Capability, roles_with


def _case(target: Any) -> Any:
    from django.utils import timezone

    from hedershus.accounts.models import User
    from hedershus.cases.models import Case, CaseAssignment

    now = timezone.now()
    case = Case.objects.create(
        reference=f"RM-{Case.objects.count() + 1:05d}", opened_by=target, opened_at=now
    )
    for user in User.objects.filter(role__in=roles_with(Capability.HANDLE_CASES)):
        CaseAssignment.objects.create(case=case, user=user, assigned_by=target, assigned_at=now)
    return case


def _unit(*, on_platform: bool) -> Any:
    from hedershus.accounts.models import User
    from hedershus.partners.models import PartnerOrganisation, PartnerUnit, UnitMembership

    number = PartnerUnit.objects.count() + 1
    organisation = PartnerOrganisation.objects.create(name=f"Matrix kommun {number}", kind="municipality")
    unit = PartnerUnit.objects.create(
        organisation=organisation, name=f"Enhet {number}", on_platform=on_platform
    )
    for user in User.objects.filter(role__in=roles_with(Capability.ANSWER_REFERRALS)):
        UnitMembership.objects.create(unit=unit, user=user)
    return unit


def _referral(target: Any, *, offline: bool = False) -> Any:
    from django.utils import timezone

    from hedershus.referrals import services
    from hedershus.referrals.tests.helpers import referral_input

    case = _case(target)
    unit = _unit(on_platform=not offline)
    if offline:
        return services.referral_record_offline(
            actor=target,
            case_id=case.pk,
            data=referral_input(unit),
            channel="phone",
            sent_at=timezone.now(),
            contact="Växeln",
        )
    return services.referral_send(actor=target, case_id=case.pk, data=referral_input(unit))


def _case_kwargs(target: Any) -> dict[str, Any]:
    return {"case_id": _case(target).pk}


def _referral_kwargs(target: Any) -> dict[str, Any]:
    referral = _referral(target)
    return {"case_id": referral.case_id, "referral_id": referral.pk}


def _offline_referral_kwargs(target: Any) -> dict[str, Any]:
    referral = _referral(target, offline=True)
    return {"case_id": referral.case_id, "referral_id": referral.pk}


def _partner_kwargs(target: Any) -> dict[str, Any]:
    return {"referral_id": _referral(target).pk}


def entries() -> dict[str, dict[str, Any]]:
    handlers = frozenset(roles_with(Capability.HANDLE_CASES))
    partners = frozenset(roles_with(Capability.ANSWER_REFERRALS))
    # Posted without a form: the form's own refusal (400) shows the view was reached.
    refused_form = frozenset({400})
    return {
        "referrals:list": {"allowed": handlers, "object_kwargs": _case_kwargs},
        "referrals:new": {"allowed": handlers, "object_kwargs": _case_kwargs},
        "referrals:detail": {"allowed": handlers, "object_kwargs": _referral_kwargs},
        "referrals:withdraw": {
            "allowed": handlers,
            "method": "post",
            "object_kwargs": _referral_kwargs,
            "ok_statuses": refused_form,
        },
        "referrals:record_answer": {
            "allowed": handlers,
            "method": "post",
            "object_kwargs": _offline_referral_kwargs,
            "ok_statuses": refused_form,
        },
        "referrals_staff:list": {"allowed": handlers},
        "referrals_partner:inbox": {"allowed": partners},
        "referrals_partner:detail": {"allowed": partners, "object_kwargs": _partner_kwargs},
        "referrals_partner:accept": {
            "allowed": partners,
            "method": "post",
            "object_kwargs": _partner_kwargs,
            "ok_statuses": frozenset({302}),
        },
        "referrals_partner:decline": {
            "allowed": partners,
            "method": "post",
            "object_kwargs": _partner_kwargs,
            "ok_statuses": refused_form,
        },
        "referrals_partner:complete": {
            "allowed": partners,
            "method": "post",
            "object_kwargs": _partner_kwargs,
            "ok_statuses": refused_form,
        },
    }
