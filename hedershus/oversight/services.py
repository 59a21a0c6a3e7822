"""Writes of log reviews (loggkontroll, R20). Every step is an audit event with ids and counts;
comments are encrypted and never put in an event.

The flow (docs/oversight.md): an auditor starts a review (a random sample of the period's staff
reads, or a targeted one), marks each read justified or to be followed up (with a comment),
and signs it off when every read is judged; a signed review cannot change. Reads to be
followed up go to the supervisors, by a neutral e-mail and their follow-up list, where a
supervisor closes each with a note.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hedershus.accounts.models import User
from hedershus.audit.models import AuditEvent
from hedershus.audit.services import audit_record
from hedershus.core.access import Capability, roles_with, user_has_capability
from hedershus.core.crypto import encrypt_text
from hedershus.core.exceptions import AccessDenied, Conflict, InvalidInput
from hedershus.core.notifications import notify_new_item_on_commit
from hedershus.core.text import has_visible_text
from hedershus.oversight.models import LogReview, LogReviewItem, ReviewKind, Verdict
from hedershus.oversight.selectors import review_candidate_ids

# At most this many reads in one review: a review is read by a person, row by row.
REVIEW_MAX_ITEMS = 500
SAMPLE_SIZE_DEFAULT = 25
# A period longer than this is refused: a review of a year's reads is not a review.
PERIOD_MAX_DAYS = 366
COMMENT_MAX = 2000


def _require_auditor(actor: Any) -> None:
    if not user_has_capability(actor, Capability.REVIEW_AUDIT_LOG):
        raise AccessDenied(_("Only auditors review the log."))


def _text(value: str, *, required: bool, what: str) -> str:
    text = value.strip()
    if required and not has_visible_text(text):
        raise InvalidInput(_("Write %(what)s.") % {"what": what})
    if len(text) > COMMENT_MAX:
        raise InvalidInput(_("At most %(n)s characters.") % {"n": f"{COMMENT_MAX:,}"})
    return text


def log_review_create(
    *,
    actor: Any,
    kind: str,
    period_start: dt.date,
    period_end: dt.date,
    case_id: int | None = None,
    staff_member_id: int | None = None,
    sample_size: int | None = None,
) -> LogReview:
    """Starts a review of ``kind`` over whole local days ``period_start`` to ``period_end`` and
    lists its reads (at most REVIEW_MAX_ITEMS; ``truncated`` says when more matched).

    A sample draws ``sample_size`` (default 25) reads with a fresh random seed, kept with the
    review. Raises AccessDenied for a non-auditor, InvalidInput for a period in the wrong order,
    in the future or over PERIOD_MAX_DAYS, a targeted kind without its target, or a review with
    no reads. Audit: ``log_review.created`` (kind, period, counts)."""
    _require_auditor(actor)
    if kind not in ReviewKind.values:
        raise InvalidInput(_("Choose what to review."))
    if period_end < period_start:
        raise InvalidInput(_("The period ends before it starts."))
    if period_start > timezone.localdate():
        raise InvalidInput(_("The period has not started yet."))
    if (period_end - period_start).days >= PERIOD_MAX_DAYS:
        raise InvalidInput(_("Review at most a year at a time."))
    if kind == ReviewKind.CASE and case_id is None:
        raise InvalidInput(_("Give the case number to review."))
    if kind == ReviewKind.STAFF_MEMBER and staff_member_id is None:
        raise InvalidInput(_("Choose the staff member to review."))
    seed = secrets.randbits(48) if kind == ReviewKind.SAMPLE else None
    if kind == ReviewKind.SAMPLE:
        sample_size = sample_size or SAMPLE_SIZE_DEFAULT
        if not 1 <= sample_size <= REVIEW_MAX_ITEMS:
            raise InvalidInput(_("A sample has 1 to %(n)s reads.") % {"n": REVIEW_MAX_ITEMS})
    else:
        sample_size = None
    with transaction.atomic():
        ids, matched = review_candidate_ids(
            kind,
            period_start,
            period_end,
            case_id=case_id if kind == ReviewKind.CASE else None,
            staff_member_id=staff_member_id if kind == ReviewKind.STAFF_MEMBER else None,
            sample_size=sample_size,
            seed=seed,
            limit=REVIEW_MAX_ITEMS,
        )
        if not ids:
            raise InvalidInput(_("No staff reads match in that period: nothing to review."))
        review = LogReview.objects.create(
            kind=kind,
            period_start=period_start,
            period_end=period_end,
            case_id=case_id if kind == ReviewKind.CASE else None,
            staff_member_id=staff_member_id if kind == ReviewKind.STAFF_MEMBER else None,
            sample_size=sample_size,
            seed=seed,
            candidates=matched,
            truncated=kind != ReviewKind.SAMPLE and matched > len(ids),
            created_by=actor,
            created_at=timezone.now(),
        )
        LogReviewItem.objects.bulk_create(LogReviewItem(review=review, event_id=event_id) for event_id in ids)
        audit_record(
            "log_review.created",
            actor=actor,
            target=review,
            data={
                "kind": kind,
                "from": period_start.isoformat(),
                "to": period_end.isoformat(),
                "reads": len(ids),
                "matched": matched,
            },
        )
    return review


def log_review_view_record(*, actor: Any, review: LogReview) -> None:
    """An auditor opened a review (its reads name staff and cases): ``log_review.viewed``."""
    with transaction.atomic():
        audit_record("log_review.viewed", actor=actor, target=review)


def _open_review_locked(actor: Any, review_id: int) -> LogReview:
    _require_auditor(actor)
    review = LogReview.objects.select_for_update().filter(pk=review_id).first()
    if review is None:
        raise InvalidInput(_("That review does not exist."))
    if review.is_signed:
        raise Conflict(_("The review is signed off: it cannot be changed."))
    return review


def log_review_item_mark(
    *, actor: Any, review_id: int, item_id: int, verdict: str, comment: str = ""
) -> LogReviewItem:
    """Judges one read of an unsigned review: ``verdict`` justified or follow_up (which needs a
    comment saying what to follow up). May be changed until sign-off. Raises AccessDenied,
    InvalidInput, Conflict (signed). Audit: ``log_review.item_marked`` (item, event, verdict)."""
    if verdict not in Verdict.values:
        raise InvalidInput(_("Choose justified or to be followed up."))
    text = _text(comment, required=verdict == Verdict.FOLLOW_UP, what=_("what is to be followed up"))
    with transaction.atomic():
        review = _open_review_locked(actor, review_id)
        item = review.items.filter(pk=item_id).first()
        if item is None:
            raise InvalidInput(_("That read is not in this review."))
        item.verdict = verdict
        item.comment_encrypted = encrypt_text(text) if text else ""
        item.decided_by = actor
        item.decided_at = timezone.now()
        item.save(update_fields=["verdict", "comment_encrypted", "decided_by", "decided_at"])
        audit_record(
            "log_review.item_marked",
            actor=actor,
            target=review,
            data={"item": item.pk, "event": item.event_id, "verdict": verdict},
        )
    return item


def _supervisor_addresses() -> list[str]:
    return list(
        User.objects.filter(is_active=True, role__in=roles_with(Capability.SUPERVISE_CASES)).values_list(
            "email", flat=True
        )
    )


def log_review_sign(*, actor: Any, review_id: int, summary: str) -> LogReview:
    """Signs the review off once every read is judged; from then on it cannot change.

    ``summary``: the auditor's conclusion (required, encrypted). Reads to be followed up go to
    the supervisors: a neutral e-mail after commit (no name, no case) and their follow-up list.
    Raises AccessDenied, InvalidInput (a read not judged, no summary), Conflict (signed).
    Audit: ``log_review.signed`` (reads, follow-ups)."""
    text = _text(summary, required=True, what=_("a summary of the review"))
    with transaction.atomic():
        review = _open_review_locked(actor, review_id)
        undecided = review.items.filter(verdict="").count()
        if undecided:
            raise InvalidInput(_("Judge every read before signing off: %(n)s left.") % {"n": undecided})
        follow_ups = review.items.filter(verdict=Verdict.FOLLOW_UP).count()
        review.signed_by = actor
        review.signed_at = timezone.now()
        review.summary_encrypted = encrypt_text(text)
        review.save(update_fields=["signed_by", "signed_at", "summary_encrypted"])
        audit_record(
            "log_review.signed",
            actor=actor,
            target=review,
            data={"reads": review.items.count(), "follow_ups": follow_ups},
        )
        if follow_ups:
            notify_new_item_on_commit(_supervisor_addresses())
    return review


def log_review_follow_up_close(*, actor: Any, item_id: int, note: str) -> LogReviewItem:
    """A supervisor closes a read marked for follow-up with a note on what was done (talked to
    the staff member, found the reason). Raises AccessDenied (not a supervisor),
    InvalidInput (no note, not an open follow-up). Audit: ``log_review.follow_up_closed``."""
    if not user_has_capability(actor, Capability.SUPERVISE_CASES):
        raise AccessDenied(_("Only supervisors close follow-ups."))
    text = _text(note, required=True, what=_("what was done"))
    with transaction.atomic():
        item = (
            LogReviewItem.objects.select_for_update()
            .filter(
                pk=item_id,
                verdict=Verdict.FOLLOW_UP,
                review__signed_at__isnull=False,
                follow_up_closed_at__isnull=True,
            )
            .first()
        )
        if item is None:
            raise InvalidInput(_("That follow-up is not open."))
        event_actor = AuditEvent.objects.filter(pk=item.event_id).values_list("actor_id", flat=True).first()
        if event_actor == actor.pk:
            raise AccessDenied(_("A follow-up of your own reads is closed by another supervisor."))
        item.follow_up_closed_by = actor
        item.follow_up_closed_at = timezone.now()
        item.follow_up_note_encrypted = encrypt_text(text)
        item.save(update_fields=["follow_up_closed_by", "follow_up_closed_at", "follow_up_note_encrypted"])
        audit_record(
            "log_review.follow_up_closed",
            actor=actor,
            object_type="oversight.logreview",
            object_id=item.review_id,
            data={"item": item.pk, "event": item.event_id},
        )
    return item
