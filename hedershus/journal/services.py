"""Writes to a case's journal (R21), each with its audit event in the same transaction; and
the audit events of reading it (R20: every read of a case's content is recorded).

Rules, enforced here and (for signed entries) by the database (migration 0002):

- A draft belongs to its author: only they see, change, delete or sign it. Anyone else
  asking for it gets ``NotFound``, as if it did not exist (selectors).
- Signing is final: ``signed_at``, the author's role and name at that moment are written
  and the row is never changed or deleted again.
- A correction is a new entry whose ``corrects`` names a signed entry of the same case; it
  is written as a draft and signed like any entry. An entry is corrected once: a later
  correction corrects the correction (``AlreadyCorrected`` says which one).

Callers pass a case they got from ``hedershus.cases.selectors.case_get_for_user``, which
decides who may open the case; these services decide what may be done with its journal.
No audit event carries the text.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hedershus.accounts.models import User
from hedershus.audit.services import audit_record
from hedershus.cases.models import Case
from hedershus.core.crypto import encrypt_text
from hedershus.core.exceptions import Conflict, InvalidInput, NotFound
from hedershus.core.text import bidi_controls_strip, has_visible_text
from hedershus.journal.models import JournalEntry

# About ten printed pages: a journal entry is a note of one contact or decision, and a
# bound keeps one post from filling the database or the page.
TEXT_MAX_CHARS = 20_000


class EntryTextInvalid(InvalidInput):
    """The text is empty or longer than ``TEXT_MAX_CHARS``."""


class EntryNotADraft(Conflict):
    """The entry is signed (or was signed meanwhile): it can no longer be changed."""

    code = "entry_signed"


class CorrectionOfDraft(InvalidInput):
    """Only a signed entry can be corrected: a draft is simply edited."""


class DraftChangedMeanwhile(Conflict):
    """The draft was saved (in another tab or window) after the page the person acted on was
    shown: saving over it would lose that text, and signing would sign a text they did not read."""

    code = "draft_changed"


class AlreadyCorrected(Conflict):
    """The entry already has a signed correction; ``extra["correction_id"]`` names it."""

    code = "already_corrected"


def entry_text_clean(text: str) -> str:
    """``text`` as stored: bidi controls removed (they can make a text read otherwise than it
    is stored), line ends as ``\\n``, outer white space trimmed.

    Raises ``EntryTextInvalid`` if nothing visible is left (white space, zero-width
    characters and bidi controls only) or it exceeds ``TEXT_MAX_CHARS``.
    """
    cleaned = bidi_controls_strip(text.replace("\r\n", "\n").replace("\r", "\n")).strip()
    if not has_visible_text(cleaned):
        raise EntryTextInvalid(_("Write the entry's text."))
    if len(cleaned) > TEXT_MAX_CHARS:
        raise EntryTextInvalid(
            _("An entry holds at most %(max)d characters; this one has %(count)d.")
            % {"max": TEXT_MAX_CHARS, "count": len(cleaned)}
        )
    return cleaned


def _own_draft_locked(user: Any, case: Case, entry_id: int) -> JournalEntry:
    """The entry, locked and re-read; ``NotFound`` unless it is ``user``'s and in ``case``,
    and ``EntryNotADraft`` if it has been signed meanwhile."""
    entry = JournalEntry.objects.select_for_update().filter(pk=entry_id, case=case, author_id=user.pk).first()
    if entry is None:
        raise NotFound(_("No such draft."))
    if entry.signed_at is not None:
        raise EntryNotADraft(
            _("This entry is signed and can no longer be changed. Write a correction instead.")
        )
    return entry


def draft_version(entry: JournalEntry) -> str:
    """The draft's version as pages carry it (its last change, ISO 8601 with microseconds)."""
    return entry.updated_at.isoformat()


def _version_checked(entry: JournalEntry, version: str | None) -> None:
    """``DraftChangedMeanwhile`` unless ``version`` is None (not checked) or the draft's own."""
    if version is not None and version != draft_version(entry):
        raise DraftChangedMeanwhile(
            _(
                "The draft was changed in another window after this page was shown. "
                "Read it again before you go on."
            )
        )


def _signed_entry_locked(case: Case, entry_id: int) -> JournalEntry:
    entry = JournalEntry.objects.select_for_update().filter(pk=entry_id, case=case).first()
    if entry is None:
        raise NotFound(_("No such entry."))
    if entry.signed_at is None:
        raise CorrectionOfDraft(_("Only a signed entry can be corrected; a draft is edited instead."))
    return entry


def _correction_refused_if_corrected(entry: JournalEntry) -> None:
    existing = (
        JournalEntry.objects.filter(corrects=entry, signed_at__isnull=False)
        .values_list("pk", flat=True)
        .first()
    )
    if existing is not None:
        raise AlreadyCorrected(
            _("This entry has already been corrected. Correct the newest version instead."),
            extra={"correction_id": existing},
        )


def entry_draft_create(
    *, user: Any, case: Case, text: str, corrects_id: int | None = None, client_id: uuid.UUID | None = None
) -> JournalEntry:
    """A new draft in ``case`` by ``user``; with ``corrects_id``, a draft correction of that
    signed entry of the same case.

    ``client_id``: the id the form picked. A post that arrives twice with it (a double
    click, a retry) returns the entry the first one stored, draft or signed since, and
    records nothing more; the unique index (author, client_id) decides between two that
    arrive at once. Raises ``EntryTextInvalid``; with ``corrects_id`` also ``NotFound`` (no
    such entry in this case), ``CorrectionOfDraft`` and ``AlreadyCorrected``; ``NotFound`` if
    ``client_id`` names an entry of another case. Records ``journal.draft_created`` (entry,
    case, the entry corrected).
    """
    cleaned = entry_text_clean(text)
    with transaction.atomic():
        stored = _written_before(user, case, client_id)
        if stored is not None:
            return stored
        corrected = None
        if corrects_id is not None:
            corrected = _signed_entry_locked(case, corrects_id)
            _correction_refused_if_corrected(corrected)
        now = timezone.now()
        try:
            # A savepoint: a twin that won the race leaves this transaction usable.
            with transaction.atomic():
                entry = JournalEntry.objects.create(
                    case=case,
                    author=user,
                    text_encrypted=encrypt_text(cleaned),
                    created_at=now,
                    updated_at=now,
                    corrects=corrected,
                    client_id=client_id,
                )
        except IntegrityError:
            stored = _written_before(user, case, client_id)
            if stored is None:
                raise
            return stored
        audit_record(
            "journal.draft_created",
            actor=user,
            target=entry,
            data={"case": case.pk, "corrects": corrects_id},
        )
    return entry


def _written_before(user: Any, case: Case, client_id: uuid.UUID | None) -> JournalEntry | None:
    """The entry ``user`` already stored from the form ``client_id`` (None if none)."""
    if client_id is None:
        return None
    stored = JournalEntry.objects.filter(author_id=user.pk, client_id=client_id).first()
    if stored is not None and stored.case_id != case.pk:
        raise NotFound(_("No such draft."))
    return stored


def entry_draft_update(
    *, user: Any, case: Case, entry_id: int, text: str, version: str | None = None
) -> JournalEntry:
    """Replaces the text of ``user``'s draft ``entry_id``.

    ``version``: the ``draft_version`` the edit page showed; if the draft was saved since
    (another tab), ``DraftChangedMeanwhile``, so neither text is lost silently. Raises also
    ``EntryTextInvalid``, ``NotFound`` (not their draft) and ``EntryNotADraft`` (signed
    meanwhile). Records ``journal.draft_edited``; an unchanged text changes nothing and
    records nothing.
    """
    cleaned = entry_text_clean(text)
    with transaction.atomic():
        entry = _own_draft_locked(user, case, entry_id)
        _version_checked(entry, version)
        if entry.text == cleaned:
            return entry
        entry.text_encrypted = encrypt_text(cleaned)
        entry.updated_at = timezone.now()
        entry.save(update_fields=["text_encrypted", "updated_at"])
        audit_record("journal.draft_edited", actor=user, target=entry, data={"case": entry.case_id})
    return entry


def entry_draft_delete(*, user: Any, case: Case, entry_id: int) -> None:
    """Deletes ``user``'s draft ``entry_id`` (never a signed entry: ``EntryNotADraft``;
    not theirs: ``NotFound``). Records ``journal.draft_deleted``."""
    with transaction.atomic():
        entry = _own_draft_locked(user, case, entry_id)
        case_id, pk = entry.case_id, entry.pk
        entry.delete()
        audit_record(
            "journal.draft_deleted",
            actor=user,
            object_type="journal.journalentry",
            object_id=pk,
            data={"case": case_id},
        )


def entry_sign(*, user: Any, case: Case, entry_id: int, version: str | None = None) -> JournalEntry:
    """Signs ``user``'s draft ``entry_id``: the time, and ``user``'s role and name as they
    are now (re-read under the lock: a role changed a moment ago counts), are written once.

    ``version``: the ``draft_version`` of the text the confirmation page showed; a draft
    changed since raises ``DraftChangedMeanwhile``: one signs only what one has read.
    Raises ``NotFound`` (not their draft), ``EntryNotADraft`` (already signed, e.g. a second
    click) and, for a correction, ``AlreadyCorrected`` (another correction was signed
    first). Records ``journal.entry_signed``, or ``journal.correction_signed`` with the
    entry corrected.
    """
    with transaction.atomic():
        entry = _own_draft_locked(user, case, entry_id)
        _version_checked(entry, version)
        if entry.corrects_id is not None:
            # Locks the corrected entry, so two corrections of it are signed one at a time.
            corrected = JournalEntry.objects.select_for_update().get(pk=entry.corrects_id)
            _correction_refused_if_corrected(corrected)
        author = User.objects.get(pk=user.pk)
        entry.signed_at = max(timezone.now(), entry.created_at)
        entry.author_role = author.role
        entry.author_name = author.get_full_name() or author.email
        entry.save(update_fields=["signed_at", "author_role", "author_name"])
        if entry.corrects_id is not None:
            audit_record(
                "journal.correction_signed",
                actor=user,
                target=entry,
                data={"case": entry.case_id, "corrects": entry.corrects_id},
            )
        else:
            audit_record("journal.entry_signed", actor=user, target=entry, data={"case": entry.case_id})
    return entry


# --- reads: the audit events of opening a case's journal ------------------------------------


def journal_viewed(*, user: Any, case: Case, page: int) -> None:
    """Records that ``user`` read ``case``'s journal (page ``page`` of its signed entries)."""
    with transaction.atomic():
        audit_record("journal.viewed", actor=user, target=case, data={"page": page})


def draft_viewed(*, user: Any, entry: JournalEntry) -> None:
    """Records that ``user`` opened their draft (to edit, sign or delete it)."""
    with transaction.atomic():
        audit_record("journal.draft_viewed", actor=user, target=entry, data={"case": entry.case_id})


def entry_viewed(*, user: Any, entry: JournalEntry) -> None:
    """Records that ``user`` opened signed entry ``entry`` on its own (to correct it)."""
    with transaction.atomic():
        audit_record("journal.entry_viewed", actor=user, target=entry, data={"case": entry.case_id})
