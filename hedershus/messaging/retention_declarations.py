"""What messaging keeps and how long (R22; ``hedershus.core.retention``), and its jobs.

Messaging runs the retention rules (``hedershus/messaging/retention.py``) and registers them
as the first jobs of the daily run: ``rooms`` (rooms unused for ``ROOM_RETENTION_DAYS``),
``conversations`` (idle ones closed, closed ones deleted after
``CONVERSATION_RETENTION_DAYS``) and ``absences``. Each declaration's count of what the next
run deletes uses the job's own "expired" query.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from hedershus.core.retention import (
    PeriodUnit,
    RetentionDeclaration,
    after,
    declare_retention,
    register_retention_job,
)
from hedershus.messaging.retention import (
    absences_ended,
    absences_job,
    conversations_closing,
    conversations_due,
    conversations_job,
    rooms_job,
)


def register() -> None:
    """Registers messaging's jobs, in the order they run, and declares its record types
    (from ``MessagingConfig.ready``)."""
    # Rooms first: their conversations go with them and need no second look.
    register_retention_job("rooms", rooms_job)
    register_retention_job("conversations", conversations_job)
    register_retention_job("absences", absences_job)
    declare_retention(
        RetentionDeclaration(
            model="messaging.Conversation",
            personal_data=True,
            rule=after(
                "CONVERSATION_RETENTION_DAYS",
                PeriodUnit.DAYS,
                _("it closed (unless a case keeps it); its room's own rule also applies"),
            ),
            settings=("CONVERSATION_RETENTION_DAYS", "CONVERSATION_IDLE_CLOSE_DAYS"),
            job="conversations",
            # What the run deletes as conversations: not those going with their room first,
            # but also idle ones it closes and then finds expired (issue 13 item 4).
            due=lambda now: conversations_due(now=now).count(),
            also_due=((_("Closed as idle"), lambda now: conversations_closing(now=now).count()),),
        ),
        RetentionDeclaration(model="messaging.Message", personal_data=True, parent="messaging.Conversation"),
        RetentionDeclaration(model="messaging.Attachment", personal_data=True, parent="messaging.Message"),
        RetentionDeclaration(model="messaging.Transfer", personal_data=True, parent="messaging.Conversation"),
        RetentionDeclaration(
            model="messaging.StandardReply",
            personal_data=False,
            kept_because=_("Standard replies name nobody; kept until a supervisor removes them."),
        ),
        RetentionDeclaration(
            model="messaging.OpeningHours",
            personal_data=False,
            kept_because=_("Opening hours name nobody; kept while they are the centre's hours."),
        ),
        RetentionDeclaration(
            model="messaging.Absence",
            personal_data=True,
            rule=after("ABSENCE_RETENTION_DAYS", PeriodUnit.DAYS, _("the absence ended")),
            settings=("ABSENCE_RETENTION_DAYS",),
            job="absences",
            due=lambda now: absences_ended(now=now).count(),
        ),
    )
