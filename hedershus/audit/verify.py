from __future__ import annotations

from dataclasses import dataclass

from hedershus.audit.models import GENESIS_HASH, AuditEvent


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_broken_id: int | None
    problem: str

    @property
    def intact(self) -> bool:
        return self.first_broken_id is None


def audit_chain_verify(batch_size: int = 2000) -> ChainReport:
    """Walks the chain in order; reports the first event whose hash or link is wrong."""
    expected_prev = GENESIS_HASH
    checked = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=batch_size):
        if event.prev_hash != expected_prev:
            return ChainReport(
                checked,
                event.pk,
                "its link to the previous event is broken (an event was removed or reordered)",
            )
        if event.compute_hash() != event.hash:
            return ChainReport(checked, event.pk, "its content does not match its hash (it was changed)")
        expected_prev = event.hash
        checked += 1
    return ChainReport(checked, None, "")
