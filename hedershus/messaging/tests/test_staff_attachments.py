"""Counsellors open a visitor's attachment (``messaging_staff:attachment``): only where they may
see the conversation (``staff_selectors.conversations_visible_to``, the one rule), never
cached, never sniffed, every opening audited."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.urls import reverse

from hedershus.audit.models import AuditEvent
from hedershus.cms.tests.test_documents import pdf
from hedershus.messaging.attachments import attachment_check, attachment_decrypt
from hedershus.messaging.models import Conversation, ConversationStatus, Message
from hedershus.messaging.services.messages import message_post_visitor
from hedershus.messaging.tests.helpers import centre_always_open, room_make
from hedershus.messaging.tests.test_attachments import png

pytestmark = pytest.mark.django_db


def visitor_file(data: bytes) -> Message:
    """A visitor's message with ``data`` attached, its conversation waiting in the queue."""
    centre_always_open()
    return message_post_visitor(
        room=room_make(), client_id=uuid.uuid4(), text="", attachment=attachment_check(data)
    )


def url(message: Message) -> str:
    return reverse("messaging_staff:attachment", kwargs={"message_id": message.pk})


def test_a_counsellor_who_sees_the_conversation_gets_the_picture_inline_unstored_and_audited(
    signed_in: Any, counsellor: Any
) -> None:
    message = visitor_file(png())
    response = signed_in(counsellor).get(url(message))
    assert response.status_code == 200
    assert response.content == attachment_decrypt(message.attachment.data_encrypted)
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline")
    assert "no-store" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"
    event = AuditEvent.objects.get(actor=counsellor, event_type="messaging.attachment_downloaded")
    assert event.object_id == str(message.conversation_id)


def test_a_pdf_is_always_a_download(signed_in: Any, counsellor: Any) -> None:
    message = visitor_file(pdf())
    response = signed_in(counsellor).get(url(message))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert "no-store" in response["Cache-Control"]


def test_a_counsellor_who_may_not_see_the_conversation_gets_404_and_nothing_is_audited(
    signed_in: Any, counsellor: Any, colleague: Any
) -> None:
    message = visitor_file(png())
    Conversation.objects.filter(pk=message.conversation_id).update(
        status=ConversationStatus.ACTIVE, assigned_to=colleague
    )
    response = signed_in(counsellor).get(url(message))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(
        actor=counsellor, event_type="messaging.attachment_downloaded"
    ).exists()


# The rule is staff_selectors.conversations_visible_to's; these two cases are the ones a
# second, hand-written copy of it had left out (supervisors; acute routed to someone else).


def test_a_supervisor_opens_a_file_in_a_colleagues_conversation(
    signed_in: Any, supervisor: Any, colleague: Any
) -> None:
    message = visitor_file(png())
    Conversation.objects.filter(pk=message.conversation_id).update(
        status=ConversationStatus.ACTIVE, assigned_to=colleague
    )
    assert signed_in(supervisor).get(url(message)).status_code == 200


def test_any_counsellor_opens_a_file_in_an_acute_conversation_routed_to_a_colleague(
    signed_in: Any, counsellor: Any, colleague: Any
) -> None:
    message = visitor_file(png())
    Conversation.objects.filter(pk=message.conversation_id).update(
        status=ConversationStatus.WAITING, assigned_to=colleague, acute_since=message.created_at
    )
    assert signed_in(counsellor).get(url(message)).status_code == 200


def test_the_conversation_page_links_the_picture_for_viewing_and_the_pdf_for_download(
    signed_in: Any, counsellor: Any
) -> None:
    picture = visitor_file(png())
    page = signed_in(counsellor).get(
        reverse("messaging_staff:conversation", kwargs={"pk": picture.conversation_id})
    )
    html = page.content.decode()
    assert f'href="{url(picture)}" target="_blank"' in html
    document = visitor_file(pdf())
    page = signed_in(counsellor).get(
        reverse("messaging_staff:conversation", kwargs={"pk": document.conversation_id})
    )
    assert f'href="{url(document)}" download' in page.content.decode()
