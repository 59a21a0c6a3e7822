"""Messaging's audit event types (registered from ``MessagingConfig.ready``) and the names of
its real-time groups (``core.realtime.send_event_on_commit``).

Events about visitors carry no content: no text, no file name, only ids and flags.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

MESSAGING_EVENT_TYPES: dict[str, Promise] = {
    "messaging.conversation_opened": _("Conversation opened by a visitor"),
    "messaging.message_sent": _("Message sent by a visitor"),
    "messaging.acute_marked": _("Visitor asked for help now"),
    "messaging.automatic_answer": _("Automatic answer sent outside opening hours"),
    "messaging.reply_sent": _("Reply sent to a visitor"),
    "messaging.attachment_downloaded": _("Attachment opened by staff"),
    # One per retention run (messaging/retention.py): counts only, never what was deleted.
    "messaging.retention_run": _("Retention run: expired records deleted"),
}

# Every counsellor on duty: {"kind": "queue"} when the queue changes, {"kind": "acute", ...}.
STAFF_QUEUE_GROUP = "staff.queue"


def conversation_group(conversation_id: int) -> str:
    """The channel-layer group of the staff sockets watching conversation ``conversation_id``."""
    return f"conversation.{int(conversation_id)}"
