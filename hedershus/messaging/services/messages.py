"""Messages in a room's conversation, from the visitor and from staff (issue 9, items 2 and 4).

Guarantees (docs/messaging.md, "Conversations and real time"):

- **Stored once.** Every message carries the client's id (``client_id``, a UUID the client
  chose). A retry with an id already stored returns the stored message: the unique
  constraint on (conversation, client_id) decides, inside a savepoint, not a read before
  the write, so two racing retries cannot both insert. A retry allocates no new ``seq``
  and sends no second event.
- **In order.** ``seq`` comes from ``Conversation.last_seq``, incremented by one UPDATE in
  the same transaction as the insert: the row lock that UPDATE takes orders concurrent
  posts on PostgreSQL, SQLite's single writer does the same, and a rolled-back post gives
  its number back.
- **One open conversation per room.** A visitor's first message opens one; two first
  messages at once are decided by the partial unique constraint, and the loser uses the
  winner's conversation.
- **Hints after commit.** Real-time events (no text, only kinds and numbers) go out with
  ``send_event_on_commit``; a client fetches the content from the database.
- **Encrypted at rest.** Message text with ``core.crypto``; audit events about visitors
  hold no content.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hedershus.audit.services import audit_record
from hedershus.core.access import Capability, user_has_capability
from hedershus.core.crypto import encrypt_text
from hedershus.core.exceptions import AccessDenied, ApplicationError, Conflict, InvalidInput, NotFound
from hedershus.core.realtime import send_event_on_commit
from hedershus.core.text import bidi_controls_strip
from hedershus.messaging import hours, throttle
from hedershus.messaging.attachments import CheckedAttachment
from hedershus.messaging.events import STAFF_QUEUE_GROUP, conversation_group
from hedershus.messaging.models import Attachment, Conversation, ConversationStatus, Message, SenderKind
from hedershus.messaging.services.queue import conversation_claim, conversation_route
from hedershus.messaging.staff_selectors import conversations_visible_to, visitor_online
from hedershus.rooms.events import room_group
from hedershus.rooms.models import Room
from hedershus.rooms.services import room_touch

# The longest message accepted, in characters: a long letter, not a document.
MESSAGE_MAX_CHARS = 5_000


class MessageRateLimited(ApplicationError):
    """The visitor's room has sent ``ROOM_MESSAGES_PER_MINUTE`` messages this clock minute
    (``messaging.throttle``): 429, code ``rate_limited``, ``extra["retry_after"]`` the whole
    seconds (1-60) until another is taken. Nothing was stored; the client keeps the text."""

    status = 429
    code = "rate_limited"

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            ngettext(
                "You are sending messages very fast. Your message has not been sent yet: "
                "wait %(seconds)d second and send it again.",
                "You are sending messages very fast. Your message has not been sent yet: "
                "wait %(seconds)d seconds and send it again.",
                retry_after,
            )
            % {"seconds": retry_after},
            extra={"retry_after": retry_after},
        )
        self.retry_after = retry_after


def message_send_wait_check(room: Room, client_id: uuid.UUID | str) -> None:
    """Raises ``MessageRateLimited`` when ``room`` cannot send the message ``client_id`` now,
    without counting it: for the form post, which checks before re-encoding an attachment
    (costly work a refused message must not cause). A message already stored (a resubmitted
    form) is never refused. ``message_post_visitor`` counts and decides."""
    wait = throttle.send_wait(room.pk)
    if wait and _earlier_message(room, _client_id_clean(client_id)) is None:
        raise MessageRateLimited(wait)


@dataclass(frozen=True)
class _Posted:
    message: Message
    created: bool


def message_text_clean(text: Any, *, empty_allowed: bool = False) -> str:
    """The text of a message as stored: ``text`` with surrounding white space and the bidi
    embedding, override and isolate controls (``core.text.bidi_controls_strip``) removed.

    Raises ``InvalidInput`` (a message for the visitor or counsellor) for text that is not
    a string, is empty (unless ``empty_allowed``, for a message that carries a file) or is
    longer than ``MESSAGE_MAX_CHARS`` characters.
    """
    if not isinstance(text, str):
        raise InvalidInput(_("A message must be text."))
    text = bidi_controls_strip(text).strip()
    if "\x00" in text:
        raise InvalidInput(_("The message contains characters that cannot be saved."))
    if not text and not empty_allowed:
        raise InvalidInput(_("Write a message before sending."))
    if len(text) > MESSAGE_MAX_CHARS:
        raise InvalidInput(
            _("The message is too long (%(length)d characters). Send at most %(max)d characters at a time.")
            % {"length": len(text), "max": MESSAGE_MAX_CHARS}
        )
    return text


def _client_id_clean(client_id: Any) -> uuid.UUID:
    try:
        return client_id if isinstance(client_id, uuid.UUID) else uuid.UUID(str(client_id))
    except ValueError as exc:
        raise InvalidInput(_("The message could not be sent. Reload the page and try again.")) from exc


def message_post_visitor(
    *,
    room: Room,
    client_id: uuid.UUID | str,
    text: str,
    acute: bool = False,
    attachment: CheckedAttachment | None = None,
) -> Message:
    """Stores a visitor's message in ``room``'s open conversation, opening one if needed.

    ``client_id``: the client's UUID for this message (a retry sends the same one and gets
    the stored message back, unchanged: same ``seq``, no second event, even if the retry's
    text differs). ``text``: at most ``MESSAGE_MAX_CHARS`` characters, may be empty only
    with an ``attachment`` (checked by ``attachments.attachment_check``). ``acute``: the
    visitor marked it "I need help now" (issue 9, item 4): the conversation goes to the top
    of the queue (``acute_since``) and every counsellor on duty gets ``{"kind": "acute"}``.

    A new conversation is routed (``services.queue.conversation_route``) in the same
    transaction. Outside opening hours (``hours.centre_is_open``) the visitor gets one
    automatic answer per waiting period (and one more if a later message is acute).
    Every new message (a retry of a stored one is not) counts against the room's send rate
    (``messaging.throttle``, ``ROOM_MESSAGES_PER_MINUTE``, attachments included), by every
    way of sending, since all of them come here.
    Raises ``InvalidInput`` for bad text or client id, and ``MessageRateLimited`` (429) above
    the send rate; either way nothing is stored.
    """
    client_uuid = _client_id_clean(client_id)
    text = message_text_clean(text, empty_allowed=attachment is not None)
    # A retry after its conversation closed must not open a new conversation and store the
    # message twice: look across the room's conversations first (the constraint still
    # decides races within one conversation).
    earlier = _earlier_message(room, client_uuid)
    if earlier is not None:
        return earlier  # already stored and counted: a retry's ack is never refused
    wait = throttle.send_take(room.pk)
    if wait:
        raise MessageRateLimited(wait)
    now = timezone.now()
    with transaction.atomic():
        conversation, opened = _conversation_open_or_create(room)
        posted = _message_insert(
            conversation,
            client_id=client_uuid,
            sender=SenderKind.VISITOR,
            author=None,
            text=text,
            acute=acute,
            attachment=attachment,
            now=now,
        )
        if not posted.created:
            return posted.message
        audit_record(
            "messaging.message_sent",
            visitor=True,
            target=conversation,
            data={"seq": posted.message.seq, "acute": acute, "attachment": attachment is not None},
        )
        if acute:
            audit_record("messaging.acute_marked", visitor=True, target=conversation)
            send_event_on_commit(STAFF_QUEUE_GROUP, {"kind": "acute", "conversation": conversation.pk})
        send_event_on_commit(STAFF_QUEUE_GROUP, {"kind": "queue"})
        if opened:
            conversation_route(conversation, now=now)
        _automatic_answer_if_closed(room, conversation, acute=acute, now=now)
        room_touch(room)
    # No refresh_from_db: _message_insert keeps the conversation's changed fields in memory
    # (one read less per message; the benchmark of issue 9, item 9, counts them).
    return posted.message


def message_post_staff(
    *, user: Any, conversation: Conversation, client_id: uuid.UUID | str, text: str
) -> Message:
    """Stores a counsellor's reply in ``conversation`` (not closed).

    ``user`` must hold ``HANDLE_CASES`` and see the conversation
    (``staff_selectors.conversations_visible_to``: the queue, their own, those they stand in
    for); else ``NotFound``, so its existence is not revealed. A reply to a waiting
    conversation takes it (``services.queue.conversation_claim``: active, assigned to
    ``user``, contact person recorded as R10 wants). It ends the waiting (``waiting_since``)
    and the acute alert (``acute_since``). ``client_id``: as for visitors (a
    retry returns the stored reply). Raises ``InvalidInput`` for bad text and ``Conflict``
    for a closed conversation. Audited with the actor (``messaging.reply_sent``).
    """
    client_uuid = _client_id_clean(client_id)
    text = message_text_clean(text)
    if not user_has_capability(user, Capability.HANDLE_CASES):
        raise AccessDenied(_("You may not answer conversations."))
    now = timezone.now()
    with transaction.atomic():
        locked = (
            conversations_visible_to(user, now=now)
            .select_related("room")
            .select_for_update(of=("self",))
            .filter(pk=conversation.pk)
            .first()
        )
        if locked is None:
            raise NotFound(_("The conversation was not found."))
        if locked.status == ConversationStatus.CLOSED:
            raise Conflict(_("The conversation is closed. The visitor can start a new one from their room."))
        posted = _message_insert(
            locked,
            client_id=client_uuid,
            sender=SenderKind.STAFF,
            author=user,
            text=text,
            acute=False,
            attachment=None,
            now=now,
        )
        if not posted.created:
            return posted.message
        if locked.status == ConversationStatus.WAITING:
            # Taking it records the contact person (C's rule for stand-ins lives there).
            conversation_claim(user=user, conversation=locked, now=now)
        Conversation.objects.filter(pk=locked.pk).update(waiting_since=None, acute_since=None)
        room_touch(locked.room)
        audit_record("messaging.reply_sent", actor=user, target=locked, data={"seq": posted.message.seq})
        send_event_on_commit(STAFF_QUEUE_GROUP, {"kind": "queue"})
    conversation.refresh_from_db()
    return posted.message


def attachment_open_staff(*, user: Any, message_id: int) -> Attachment:
    """The attachment of message ``message_id`` for staff member ``user``, recorded as an
    audit event (``messaging.attachment_downloaded``: every staff read of personal data is).

    ``user`` must see the message's conversation (``staff_selectors.conversations_visible_to``);
    otherwise, or without an attachment, ``NotFound``. For the counsellors' download view,
    which answers with ``views.attachment_response(attachment, inline_images=True)``.
    """
    with transaction.atomic():
        attachment = (
            Attachment.objects.filter(
                message_id=message_id,
                message__conversation__in=conversations_visible_to(user).values("pk"),
            )
            .select_related("message")
            .first()
        )
        if attachment is None:
            raise NotFound(_("The file was not found."))
        audit_record(
            "messaging.attachment_downloaded",
            actor=user,
            object_type="messaging.conversation",
            object_id=attachment.message.conversation_id,
            data={"seq": attachment.message.seq, "content_type": attachment.content_type},
        )
    return attachment


def visitor_presence_set(room: Room, *, online: bool) -> Conversation | None:
    """Records whether the visitor of ``room`` has the thread open (a socket connected) and
    tells the staff watching the open conversation (``{"kind": "presence"}``).

    ``online=True`` sets ``Conversation.visitor_seen_at`` to now (the socket calls it on
    connect; ``visitor_presence_refresh`` keeps it fresh for all of a process's sockets at
    once, so a dead process's visitors go stale); ``False`` clears it. When that changes what
    the queue shows (``staff_selectors.visitor_online`` before and after), the queue pages
    hear ``{"kind": "queue"}`` too (a tester's queue said "online" for 70 s after the
    visitor left); a second tab connecting, already online, sends no queue hint. Returns
    the open conversation, or ``None`` (nothing recorded) when there is none.
    """
    with transaction.atomic():
        conversation = (
            Conversation.objects.filter(room=room).exclude(status=ConversationStatus.CLOSED).first()
        )
        if conversation is None:
            return None
        now = timezone.now()
        was_online = visitor_online(conversation, now=now)
        seen = now if online else None
        Conversation.objects.filter(pk=conversation.pk).update(visitor_seen_at=seen)
        conversation.visitor_seen_at = seen
        send_event_on_commit(
            conversation_group(conversation.pk),
            {"kind": "presence", "conversation": conversation.pk, "online": online},
        )
        if was_online != online:
            # Every open queue page fetches its lists once (staff.js spaces those fetches).
            send_event_on_commit(STAFF_QUEUE_GROUP, {"kind": "queue"})
    return conversation


def visitor_presence_refresh(room_ids: Iterable[Any]) -> int:
    """Marks the visitors of ``room_ids`` (rooms with a socket open in the calling process)
    as still online: one UPDATE of ``visitor_seen_at`` for all their open conversations,
    so a server process costs the database one statement per heartbeat, not one per socket
    (issue 9, item 9: at 1,000 sockets a write per socket every 25 s was 40 writes a second).

    A conversation that had no presence (opened by the visitor's first message after the
    socket connected, or marked offline by another tab's socket closing) gets the
    ``{"kind": "presence", "online": true}`` event, and the queue pages one ``{"kind":
    "queue"}`` for all of them: that is a change; a refresh is not.
    Returns how many conversations were refreshed.
    """
    room_ids = list(room_ids)
    if not room_ids:
        return 0
    now = timezone.now()
    with transaction.atomic():
        conversations = Conversation.objects.filter(room_id__in=room_ids).exclude(
            status=ConversationStatus.CLOSED
        )
        appeared = list(conversations.filter(visitor_seen_at__isnull=True).values_list("pk", flat=True))
        refreshed = conversations.update(visitor_seen_at=now)
        for pk in appeared:
            send_event_on_commit(
                conversation_group(pk), {"kind": "presence", "conversation": pk, "online": True}
            )
        if appeared:
            send_event_on_commit(STAFF_QUEUE_GROUP, {"kind": "queue"})
    return refreshed


# --- inside the transaction -------------------------------------------------------------


def _earlier_message(room: Room, client_id: uuid.UUID) -> Message | None:
    return Message.objects.filter(conversation__room=room, client_id=client_id).first()


def _conversation_open_or_create(room: Room) -> tuple[Conversation, bool]:
    """The room's open conversation, and whether it was created now. Two first messages at
    once: the partial unique constraint refuses the second insert, which then reads the
    first's conversation."""
    for _attempt in range(2):
        conversation = (
            Conversation.objects.filter(room=room).exclude(status=ConversationStatus.CLOSED).first()
        )
        if conversation is not None:
            conversation.room = room  # the caller's instance: the event group needs no read
            return conversation, False
        try:
            with transaction.atomic():
                conversation = Conversation.objects.create(room=room, status=ConversationStatus.WAITING)
        except IntegrityError:
            continue
        audit_record("messaging.conversation_opened", visitor=True, target=conversation)
        return conversation, True
    raise RuntimeError("No open conversation after the unique constraint refused a new one.")


def _message_insert(
    conversation: Conversation,
    *,
    client_id: uuid.UUID,
    sender: str,
    author: Any,
    text: str,
    acute: bool,
    attachment: CheckedAttachment | None,
    now: Any,
) -> _Posted:
    """Allocates the next ``seq`` and inserts the message, in one savepoint; a ``client_id``
    already stored in this conversation rolls both back and returns the stored message."""
    try:
        with transaction.atomic():
            visitor = sender == SenderKind.VISITOR
            seq = _seq_next(conversation, visitor=visitor, acute=acute, now=now)
            message = Message.objects.create(
                conversation=conversation,
                seq=seq,
                client_id=client_id,
                sender=sender,
                author=author,
                body_encrypted=encrypt_text(text),
                acute=acute,
            )
            if attachment is not None:
                Attachment.objects.create(
                    message=message,
                    content_type=attachment.content_type,
                    size=len(attachment.data),
                    data_encrypted=attachment.encrypted(),
                )
    except IntegrityError:
        stored = Message.objects.filter(conversation=conversation, client_id=client_id).first()
        if stored is None:
            raise  # another constraint: a bug, not a retry
        return _Posted(stored, created=False)
    # What the UPDATE wrote, kept in memory so callers need not read the row again.
    conversation.last_seq = seq
    conversation.last_message_at = now
    if sender == SenderKind.VISITOR:
        conversation.waiting_since = conversation.waiting_since or now
        conversation.visitor_seen_at = now
        if acute:
            conversation.acute_since = conversation.acute_since or now
    _message_events(conversation, seq)
    return _Posted(message, created=True)


def _seq_next(conversation: Conversation, *, visitor: bool, acute: bool, now: Any) -> int:
    """Increments ``conversation.last_seq`` by one UPDATE and returns the new value.

    ``UPDATE ... RETURNING`` (PostgreSQL; SQLite since 3.35) gives the number in the same
    statement that takes the row lock, instead of an UPDATE and a SELECT; Django's
    ``QuerySet.update`` returns only a row count, hence the SQL. A visitor's message also
    starts the queue's waiting time (the oldest unanswered visitor message) and, if acute,
    the acute alert; both keep an earlier value (COALESCE). It also marks the visitor seen now."""
    quote = connection.ops.quote_name
    columns = {field.name: field.column for field in Conversation._meta.concrete_fields}
    column = {name: quote(columns[name]) for name in _SEQ_FIELDS}
    stamp = connection.ops.adapt_datetimefield_value(now)
    assignments = [f"{column['last_seq']} = {column['last_seq']} + 1", f"{column['last_message_at']} = %s"]
    params: list[Any] = [stamp]
    if visitor:
        assignments.append(f"{column['waiting_since']} = COALESCE({column['waiting_since']}, %s)")
        params.append(stamp)
        # A visitor who just wrote is there: without this the queue said "not online" until
        # the socket's next presence refresh, and always for a visitor without JavaScript.
        assignments.append(f"{column['visitor_seen_at']} = %s")
        params.append(stamp)
        if acute:
            assignments.append(f"{column['acute_since']} = COALESCE({column['acute_since']}, %s)")
            params.append(stamp)
    params.append(conversation.pk)
    # Only quoted names from the model's meta are formatted in; values are parameters.
    sql = (
        f"UPDATE {quote(Conversation._meta.db_table)} SET {', '.join(assignments)}"  # noqa: S608
        f" WHERE {quote(Conversation._meta.pk.column)} = %s RETURNING {column['last_seq']}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        raise Conversation.DoesNotExist(f"Conversation {conversation.pk} is gone.")
    return int(row[0])


_SEQ_FIELDS = ("last_seq", "last_message_at", "waiting_since", "acute_since", "visitor_seen_at")


def _message_events(conversation: Conversation, seq: int) -> None:
    hint = {"kind": "message", "conversation": conversation.pk, "seq": seq}
    send_event_on_commit(room_group(conversation.room), hint)
    send_event_on_commit(conversation_group(conversation.pk), hint)


def _automatic_answer_if_closed(room: Room, conversation: Conversation, *, acute: bool, now: Any) -> None:
    """One automatic answer per waiting period outside opening hours, and one more for the
    first acute message in it (that answer points to 112 and socialjouren, not a time)."""
    if hours.centre_is_open(now):
        return
    waiting_since = (
        Conversation.objects.filter(pk=conversation.pk).values_list("waiting_since", flat=True).get()
    )
    already = Message.objects.filter(conversation=conversation, sender=SenderKind.SYSTEM, acute=acute)
    if waiting_since is not None:
        already = already.filter(created_at__gte=waiting_since)
    if already.exists():
        return
    text = hours.automatic_answer(language=room.language, acute=acute, now=now)
    _message_insert(
        conversation,
        client_id=uuid.uuid4(),
        sender=SenderKind.SYSTEM,
        author=None,
        text=text,
        acute=acute,
        attachment=None,
        now=now,
    )
    audit_record("messaging.automatic_answer", target=conversation, data={"acute": acute})
