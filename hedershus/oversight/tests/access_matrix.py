"""Log review URLs in the access matrix (core/tests/test_access_matrix.py): reviews belong to
auditors, follow-ups to supervisors; a URL naming a review or a read is 404 for anyone else."""

from __future__ import annotations

from typing import Any

from hedershus.core.access import Capability, roles_with


def _review(target: Any, *, signed: bool = False, follow_up: bool = False) -> Any:
    from django.utils import timezone

    from hedershus.audit.services import audit_record
    from hedershus.oversight.models import LogReview, LogReviewItem, Verdict

    event = audit_record("case.viewed", actor=target, object_type="cases.case", object_id="1", data={})
    now = timezone.now()
    review = LogReview.objects.create(
        kind="sample",
        period_start=now.date(),
        period_end=now.date(),
        sample_size=1,
        seed=1,
        candidates=1,
        created_by=target,
        created_at=now,
        signed_by=target if signed else None,
        signed_at=now if signed else None,
    )
    item = LogReviewItem.objects.create(
        review=review, event=event, verdict=Verdict.FOLLOW_UP if follow_up else "", comment_encrypted=""
    )
    return review, item


def _review_kwargs(target: Any) -> dict[str, Any]:
    review, _item = _review(target)
    return {"review_id": review.pk}


def _item_kwargs(target: Any) -> dict[str, Any]:
    review, item = _review(target)
    return {"review_id": review.pk, "item_id": item.pk}


def _follow_up_kwargs(target: Any) -> dict[str, Any]:
    _review_obj, item = _review(target, signed=True, follow_up=True)
    return {"item_id": item.pk}


def entries() -> dict[str, dict[str, Any]]:
    auditors = frozenset(roles_with(Capability.REVIEW_AUDIT_LOG))
    supervisors = frozenset(roles_with(Capability.SUPERVISE_CASES))
    moved = frozenset({302})
    return {
        "oversight:reviews": {"allowed": auditors},
        "oversight:review_new": {"allowed": auditors},
        "oversight:review": {"allowed": auditors, "object_kwargs": _review_kwargs},
        # An empty POST: refused with a message and sent back to the review.
        "oversight:item_mark": {
            "allowed": auditors,
            "method": "post",
            "object_kwargs": _item_kwargs,
            "ok_statuses": moved,
        },
        "oversight:sign": {
            "allowed": auditors,
            "method": "post",
            "object_kwargs": _review_kwargs,
            "ok_statuses": frozenset({400}),
        },
        "oversight:follow_ups": {"allowed": supervisors},
        # Record types, rules and counts (R22): site administrators and auditors.
        "oversight:retention": {"allowed": frozenset(roles_with(Capability.MANAGE_SITE_SETTINGS)) | auditors},
        "oversight:follow_up_close": {
            "allowed": supervisors,
            "method": "post",
            "object_kwargs": _follow_up_kwargs,
            "ok_statuses": moved,
        },
    }
