"""Writes of data-subject access requests (GDPR art. 15, R22). Every step is an audit event
with ids and counts only: never the identity number, a name or a text of the extract.

The flow (docs: /tmp/docs_subject_access.md): a staff member who may prepare extracts records
the request (the identity number, the day it came, how the requester's identity was checked)
and the platform finds the person's entries in the case register; the preparer reviews the
extract and releases or withholds each free-text item with a reason; a supervisor who did not
prepare it approves or refuses it (four eyes); after approval the PDF and the JSON are made on
demand and downloaded, and the request is marked delivered.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hedershus.audit.models import AuditEvent
from hedershus.audit.services import audit_record
from hedershus.cases.identity import identity_number_found, identity_number_normalise
from hedershus.core.access import Capability, user_has_capability
from hedershus.core.crypto import encrypt_text
from hedershus.core.exceptions import AccessDenied, Conflict, InvalidInput, NotFound
from hedershus.core.text import has_visible_text
from hedershus.subject_access import selectors
from hedershus.subject_access.models import (
    IdentityCheck,
    ItemDecision,
    RequestStatus,
    SubjectAccessRequest,
    WithholdReason,
)
from hedershus.subject_access.selectors import Extract

NOTE_MAX = 500
REASON_MAX = 2000
# A request received longer ago than this is a typing mistake (the year).
RECEIVED_MAX_AGE = dt.timedelta(days=366)
FORMATS = ("pdf", "json")


def _require_preparer(actor: Any) -> None:
    if not user_has_capability(actor, Capability.PREPARE_SUBJECT_ACCESS_EXTRACTS):
        raise AccessDenied(_("You may not prepare data-subject extracts."))


def _text(value: str, *, limit: int, what: str) -> str:
    text = value.strip()
    if not has_visible_text(text):
        raise InvalidInput(_("Write %(what)s.") % {"what": what})
    if len(text) > limit:
        raise InvalidInput(_("At most %(n)s characters.") % {"n": f"{limit:,}"})
    if identity_number_found(text):
        raise InvalidInput(_("Write it without a personal identity number."))
    return text


def _counts(request: SubjectAccessRequest) -> dict[str, int]:
    return {"persons": len(request.person_ids), "cases": len(selectors.request_case_ids(request))}


def request_prepare(
    *,
    actor: Any,
    identity_number: str,
    received_on: dt.date,
    identity_check: str,
    identity_check_note: str = "",
    client_id: uuid.UUID | None = None,
) -> SubjectAccessRequest:
    """Records a request and finds every person in the case register with ``identity_number``
    (``selectors.persons_with_number``). None found is a valid outcome: the answer is then that
    the centre holds nothing, and the request goes on like any other.

    ``received_on``: when the request reached the centre (today or up to a year back; the
    answer is due a month later). ``identity_check``: an ``IdentityCheck`` value; "other" needs
    ``identity_check_note`` (no identity number in it). ``client_id``: the form's id, so a
    double submit returns the first request. The number is stored encrypted only.
    Raises AccessDenied (no capability) and InvalidInput (a number that is not a valid
    personnummer or samordningsnummer, a date in the future or too old, no check chosen, an
    identity number in the note, or a supervisor preparing it when no other active
    supervisor exists: nobody could approve it, four eyes).
    Audit: ``subject_access.prepared`` (counts of persons and cases)."""
    _require_preparer(actor)
    if client_id is not None:
        earlier = SubjectAccessRequest.objects.filter(prepared_by=actor, client_id=client_id).first()
        if earlier is not None:
            return earlier
    number = identity_number_normalise(identity_number or "")
    if number is None:
        raise InvalidInput(_("That is not a valid personal identity number or coordination number."))
    today = timezone.localdate()
    if received_on > today:
        raise InvalidInput(_("The request cannot have been received in the future."))
    if today - received_on > RECEIVED_MAX_AGE:
        raise InvalidInput(_("The request was received more than a year ago: check the date."))
    if identity_check not in IdentityCheck.values:
        raise InvalidInput(_("Choose how the requester's identity was checked."))
    if user_has_capability(actor, Capability.SUPERVISE_CASES) and not selectors.other_supervisor_exists(
        actor
    ):
        raise InvalidInput(
            _(
                "You are the only active supervisor, and another supervisor must approve what you "
                "prepare: ask a counsellor to record the request, or an administrator to add a supervisor."
            )
        )
    note = ""
    if identity_check == IdentityCheck.OTHER:
        note = _text(identity_check_note, limit=NOTE_MAX, what=_("how the identity was checked"))
    try:
        with transaction.atomic():
            request = SubjectAccessRequest.objects.create(
                identity_number_encrypted=encrypt_text(number),
                received_on=received_on,
                identity_check=identity_check,
                identity_check_note_encrypted=encrypt_text(note) if note else "",
                person_ids=selectors.persons_with_number(number),
                prepared_by=actor,
                prepared_at=timezone.now(),
                client_id=client_id,
            )
            audit_record("subject_access.prepared", actor=actor, target=request, data=_counts(request))
    except IntegrityError:
        # The same form sent twice at once: the other one stored it.
        earlier = SubjectAccessRequest.objects.filter(prepared_by=actor, client_id=client_id).first()
        if earlier is None:
            raise
        return earlier
    return request


def request_view_record(*, actor: Any, request: SubjectAccessRequest, case_ids: list[int]) -> None:
    """``actor`` opened the request's preview, which shows the person's cases: one
    ``subject_access.request_viewed`` every time and, so that a log review of a case and the
    person's next extract find it, one ``subject_access.case_viewed`` per case, once a day per
    staff member and request (the preview reloads after each item reviewed: one read of the
    case, not dozens, in the person's next extract)."""
    with transaction.atomic():
        audit_record("subject_access.request_viewed", actor=actor, target=request, data=_counts(request))
        today = timezone.localdate()
        start = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
        seen = set(
            AuditEvent.objects.filter(
                event_type="subject_access.case_viewed",
                actor_id=actor.pk,
                object_type="cases.case",
                object_id__in=[str(i) for i in case_ids],
                data__request=request.pk,
                occurred_at__gte=start,
            ).values_list("object_id", flat=True)
        )
        for case_id in case_ids:
            if str(case_id) in seen:
                continue
            audit_record(
                "subject_access.case_viewed",
                actor=actor,
                object_type="cases.case",
                object_id=case_id,
                data={"case": case_id, "request": request.pk},
            )


def _locked(request_id: int) -> SubjectAccessRequest:
    request = SubjectAccessRequest.objects.select_for_update().filter(pk=request_id).first()
    if request is None:
        raise NotFound(_("No such request."))
    return request


def item_decide(*, actor: Any, request_id: int, item: str, release: bool, reason: str = "") -> ItemDecision:
    """The preparer releases item ``item`` ("journal:12") of the extract, or withholds it with
    ``reason`` (a ``WithholdReason``). May be changed until the request is decided; the same
    decision twice changes nothing. A protected person's whereabouts are released only by staff
    who may see them (assigned to the case). Raises AccessDenied (not the preparer, or a hidden
    item), InvalidInput (no such item, no reason), Conflict (already decided).
    Audit: ``subject_access.item_decided`` (the item key, released or the reason code)."""
    if not release and reason not in WithholdReason.values:
        raise InvalidInput(_("Choose why it is withheld."))
    reason = "" if release else reason
    with transaction.atomic():
        request = _locked(request_id)
        if request.prepared_by_id != actor.pk or not user_has_capability(
            actor, Capability.PREPARE_SUBJECT_ACCESS_EXTRACTS
        ):
            raise AccessDenied(_("Only the staff member who prepares the extract reviews it."))
        if request.status != RequestStatus.PREPARED:
            raise Conflict(_("The extract is decided: it cannot be changed."))
        found = selectors.reviewable_item(request, item, actor)
        if found is None:
            raise InvalidInput(_("That item is not in this extract."))
        if release and found.hidden:
            raise AccessDenied(
                _(
                    "You may not read this case now, so you may not release its items: open the "
                    "case with a reason first (a protected identity: only staff assigned to it)."
                )
            )
        decision = ItemDecision.objects.filter(request=request, item=item).first()
        if decision is not None and decision.release == release and decision.reason == reason:
            return decision
        if decision is None:
            decision = ItemDecision(request=request, item=item)
        decision.release = release
        decision.reason = reason
        decision.decided_by = actor
        decision.decided_at = timezone.now()
        decision.save()
        audit_record(
            "subject_access.item_decided",
            actor=actor,
            target=request,
            data={"item": item, "release": release, "reason": reason},
        )
    return decision


def request_approve(*, actor: Any, request_id: int, seen: str | None = None) -> SubjectAccessRequest:
    """A supervisor who did not prepare the request approves its extract as reviewed: from
    then on its decisions cannot change and the PDF and JSON may be downloaded. Every item must
    have been released or withheld. Approving again changes nothing.

    ``seen``: the ``selectors.decisions_fingerprint`` the approve form carried (the decisions
    the supervisor looked at); approval is refused when the decisions differ now (the
    preparer changed one meanwhile). The views always pass it; None skips the check (code
    only). The supervisor must be able to see every released item (may read its case now
    under the case rules, and for a protected identity be assigned to it): no approving
    blind (issue 13 item 3, round 2).

    Raises AccessDenied (not a supervisor, or the preparer: four eyes; a released item hidden
    from them), InvalidInput (items not reviewed), Conflict (refused or delivered; decisions
    changed since shown). Audit: ``subject_access.approved`` (counts)."""
    if not user_has_capability(actor, Capability.SUPERVISE_CASES):
        raise AccessDenied(_("Only a supervisor approves an extract."))
    with transaction.atomic():
        request = _locked(request_id)
        if request.prepared_by_id == actor.pk:
            raise AccessDenied(_("Another supervisor approves an extract you prepared."))
        if request.status == RequestStatus.APPROVED and request.decided_by_id == actor.pk:
            return request
        if request.status != RequestStatus.PREPARED:
            raise Conflict(_("The request is already decided."))
        if seen is not None and seen != selectors.decisions_fingerprint(request):
            raise Conflict(
                _("The decisions changed since you looked: look at the extract again, then approve it.")
            )
        extract = selectors.extract_build(request, actor)
        if extract.undecided:
            raise InvalidInput(
                _("Every item must be released or withheld before approval: %(n)s left.")
                % {"n": extract.undecided}
            )
        if any(item.released and item.hidden for item in extract.items()):
            raise AccessDenied(
                _(
                    "Released items are in a case you may not read now: only a supervisor with "
                    "access to the case (assigned, its supervisor, or who opened it with a reason; "
                    "for a protected identity, assigned to it) may approve this extract."
                )
            )
        request.status = RequestStatus.APPROVED
        request.decided_by = actor
        request.decided_at = timezone.now()
        request.save(update_fields=["status", "decided_by", "decided_at"])
        audit_record(
            "subject_access.approved",
            actor=actor,
            target=request,
            data={
                **_counts(request),
                "released": extract.released_count,
                "withheld": extract.withheld_count,
            },
        )
    return request


def request_refuse(*, actor: Any, request_id: int, reason: str) -> SubjectAccessRequest:
    """A supervisor who did not prepare it refuses the extract with ``reason`` (encrypted; for
    instance: the identity check was not enough, or the review must be redone in a new
    request). A refused extract is never downloaded. Raises AccessDenied, InvalidInput (no
    reason), Conflict (already decided). Audit: ``subject_access.refused``."""
    if not user_has_capability(actor, Capability.SUPERVISE_CASES):
        raise AccessDenied(_("Only a supervisor refuses an extract."))
    text = _text(reason, limit=REASON_MAX, what=_("why the extract is refused"))
    with transaction.atomic():
        request = _locked(request_id)
        if request.prepared_by_id == actor.pk:
            raise AccessDenied(_("Another supervisor decides on an extract you prepared."))
        if request.status != RequestStatus.PREPARED:
            raise Conflict(_("The request is already decided."))
        request.status = RequestStatus.REFUSED
        request.decided_by = actor
        request.decided_at = timezone.now()
        request.refusal_reason_encrypted = encrypt_text(text)
        request.save(update_fields=["status", "decided_by", "decided_at", "refusal_reason_encrypted"])
        audit_record("subject_access.refused", actor=actor, target=request, data=_counts(request))
    return request


def extract_download(*, actor: Any, request_id: int, fmt: str) -> Extract:
    """The approved extract of request ``request_id`` for the PDF or JSON (``fmt``), built now
    from the register and the approved decisions (nothing is stored). For those who may see
    the request (``selectors.request_get``). Raises NotFound (not theirs to see), Conflict (not
    approved: being prepared, refused or already delivered). Audit:
    ``subject_access.extract_downloaded`` (format, counts)."""
    if fmt not in FORMATS:
        raise NotFound(_("No such format."))
    request = selectors.request_get(actor, request_id)
    if request is None:
        raise NotFound(_("No such request."))
    if request.status != RequestStatus.APPROVED:
        raise Conflict(_("Only an approved extract that is not yet delivered can be downloaded."))
    extract = selectors.extract_build(request)
    with transaction.atomic():
        audit_record(
            "subject_access.extract_downloaded",
            actor=actor,
            target=request,
            data={"format": fmt, **_counts(request)},
        )
    return extract


def request_deliver(*, actor: Any, request_id: int) -> SubjectAccessRequest:
    """Marks an approved request delivered (the extract was given to the person); no more
    downloads after that. By the preparer or a supervisor. Marking again changes nothing.
    Raises AccessDenied, Conflict (not approved). Audit: ``subject_access.delivered``."""
    with transaction.atomic():
        request = _locked(request_id)
        if request.prepared_by_id != actor.pk and not user_has_capability(actor, Capability.SUPERVISE_CASES):
            raise AccessDenied(_("Only the preparer or a supervisor marks a request delivered."))
        if request.status == RequestStatus.DELIVERED:
            return request
        if request.status != RequestStatus.APPROVED:
            raise Conflict(_("Only an approved extract can be delivered."))
        request.status = RequestStatus.DELIVERED
        request.delivered_by = actor
        request.delivered_at = timezone.now()
        request.save(update_fields=["status", "delivered_by", "delivered_at"])
        audit_record("subject_access.delivered", actor=actor, target=request, data=_counts(request))
    return request
