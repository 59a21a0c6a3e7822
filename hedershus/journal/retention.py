"""The narrow path by which signed journal entries leave the database: culling a whole
expired case (R22). Nothing else may delete a signed entry (migration 0002's triggers).

The retention job (built with R22) deletes an expired case inside
``culling_permitted([case.pk])``: the block writes a ``CullingPermit`` per case, in the
job's own transaction, which the delete trigger looks for; the case's deletion then
cascades to its entries; the permits are removed before the block ends, so none outlives
the transaction. On PostgreSQL the trigger also requires the permit to carry the current
transaction's id, which the database stamps itself: a permit left behind, or written by
another transaction, lets nothing through. SQLite (the single-writer embedded default)
checks the permit's presence only, so this module must be the only writer of permits.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from hedershus.audit.services import audit_record
from hedershus.journal.models import CullingPermit, JournalEntry


@contextmanager
def culling_permitted(case_ids: Iterable[int]) -> Iterator[None]:
    """Inside the block, the signed journal entries of ``case_ids`` may be deleted
    (normally by deleting the cases themselves, which cascades).

    Must run inside the caller's transaction (``transaction.atomic``), which the deletion
    belongs to: raises ``RuntimeError`` otherwise (a permit committed on its own would, on
    SQLite, outlive its purpose). Records ``journal.culled`` per case with the number of
    entries deleted, and no content. An exception inside the block propagates, and the
    block's savepoint rolls back its permits and deletions together.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("culling_permitted must run inside the retention job's transaction.")
    ids = sorted({int(case_id) for case_id in case_ids})
    # A savepoint of its own: if the block fails, its permits roll back with it even when
    # the caller catches the error and commits the rest.
    with transaction.atomic():
        before = _entry_counts(ids)
        now = timezone.now()
        CullingPermit.objects.bulk_create([CullingPermit(case_id=case_id, created_at=now) for case_id in ids])
        yield
        CullingPermit.objects.filter(case_id__in=ids).delete()
        after = _entry_counts(ids)
        for case_id in ids:
            audit_record(
                "journal.culled",
                object_type="cases.case",
                object_id=case_id,
                data={"entries_deleted": before.get(case_id, 0) - after.get(case_id, 0)},
            )


def _entry_counts(case_ids: list[int]) -> dict[int, int]:
    """``{case id: number of journal entries, drafts included}`` (cases without any left out)."""
    rows = JournalEntry.objects.filter(case_id__in=case_ids).values("case_id").annotate(n=Count("id"))
    return {row["case_id"]: row["n"] for row in rows}
