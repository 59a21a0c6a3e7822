"""What the audit log keeps and how long (R22; ``hedershus.core.retention``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from hedershus.core.retention import RetentionDeclaration, declare_retention


def register() -> None:
    """Declares the audit app's record types (from ``AuditConfig.ready``)."""
    declare_retention(
        RetentionDeclaration(
            model="audit.AuditEvent",
            personal_data=True,
            kept_because=_(
                "Kept without end for now: the signed, append-only record of who did what (R20, "
                "R23), which triggers refuse to change or delete. It holds ids and counts, and the "
                "reason staff give for opening a case they are not assigned to. No period is set "
                "yet (see docs/operations.md, Retention)."
            ),
        ),
        RetentionDeclaration(model="audit.AuditSeal", personal_data=False, parent="audit.AuditEvent"),
        RetentionDeclaration(
            model="audit.AuditPending",
            personal_data=False,
            kept_because=_("A queue row removed as soon as its event is sealed, normally within seconds."),
        ),
    )
