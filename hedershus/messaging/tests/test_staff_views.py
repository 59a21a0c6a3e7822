"""The counsellors' pages: queue, conversation, standard replies, opening hours, absences."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from hedershus.audit.models import AuditEvent
from hedershus.core.access import Role
from hedershus.core.crypto import encrypt_text
from hedershus.messaging.hours import END_OF_DAY
from hedershus.messaging.models import (
    Absence,
    Conversation,
    ConversationStatus,
    Message,
    OpeningHours,
    SenderKind,
    StandardReply,
    Transfer,
)
from hedershus.messaging.tests.helpers import centre_always_open, room_make

pytestmark = pytest.mark.django_db


def conversation_with(text: str, *, language: str = "sv", acute: bool = False, **fields: Any) -> Conversation:
    now = timezone.now()
    fields.setdefault("status", ConversationStatus.WAITING)
    conversation = Conversation.objects.create(
        room=room_make(language),
        waiting_since=now - dt.timedelta(minutes=12),
        acute_since=now if acute else None,
        last_seq=1,
        **fields,
    )
    Message.objects.create(
        conversation=conversation,
        seq=1,
        client_id=uuid.uuid4(),
        sender=SenderKind.VISITOR,
        body_encrypted=encrypt_text(text),
        acute=acute,
    )
    return conversation


def url(name: str, **kwargs: Any) -> str:
    return reverse(f"messaging_staff:{name}", kwargs=kwargs or None)


# --- queue ----------------------------------------------------------------------------------


def test_the_queue_shows_acute_first_with_an_alert_and_waiting_minutes(
    signed_in: Any, counsellor: Any
) -> None:
    calm = conversation_with("Hej", language="en")
    acute = conversation_with("Hjälp mig nu", acute=True)
    page = signed_in(counsellor).get(url("queue")).content.decode()
    # The page is in Swedish (the staff default): "Samtal N" is the queue's "Conversation N".
    assert page.index(f"Samtal {acute.pk}<") < page.index(f"Samtal {calm.pk}<")
    assert 'class="alert-badge"' in page
    assert "12" in page
    assert "Hjälp mig nu" not in page  # the queue shows no message text
    assert 'aria-live="assertive"' in page and "messaging/staff.js" in page


def test_the_acute_announcement_names_the_conversation_and_claims_no_top_place(
    signed_in: Any, counsellor: Any
) -> None:
    # With several acute conversations a new one is listed after the older ones, not at the
    # top; the announcement said "at the top of the queue" and named none.
    page = signed_in(counsellor).get(url("queue")).content.decode()
    text = page[page.index("data-acute-text=") :].split('"')[1]
    assert "{number}" in text and "först i kön" not in text, text


def test_the_queue_marks_a_rooms_first_conversation_and_whether_the_visitor_was_active(
    signed_in: Any, counsellor: Any
) -> None:
    now = timezone.now()
    earlier = conversation_with("Hej", status=ConversationStatus.CLOSED, closed_at=now)
    returning = Conversation.objects.create(
        room=earlier.room, status=ConversationStatus.WAITING, waiting_since=now, visitor_seen_at=now
    )
    first = conversation_with("Hej")  # its room has no earlier conversation; seen never
    page = signed_in(counsellor).get(url("queue")).content.decode()
    rows = {c.pk: page[page.index(f"Samtal {c.pk}<") :].split("</tr>")[0] for c in (returning, first)}
    assert "första samtalet från det här rummet" in rows[first.pk]
    assert "första samtalet" not in rows[returning.pk]
    assert "aktiv den senaste minuten" in rows[returning.pk]
    assert "inte aktiv nu" in rows[first.pk]


def test_the_queue_fragment_is_only_the_lists(signed_in: Any, counsellor: Any) -> None:
    conversation_with("Hej")
    fragment = signed_in(counsellor).get(url("queue") + "?fragment=1").content.decode()
    assert "<html" not in fragment and 'id="queue-waiting"' in fragment


# --- conversation ---------------------------------------------------------------------------


def test_opening_a_conversation_shows_the_decrypted_thread_and_is_audited(
    signed_in: Any, counsellor: Any
) -> None:
    conversation = conversation_with("Jag vill prata med någon")
    response = signed_in(counsellor).get(url("conversation", pk=conversation.pk))
    assert response.status_code == 200
    assert "Jag vill prata med någon" in response.content.decode()
    assert response["Cache-Control"].startswith("no-store") or "no-store" in response["Cache-Control"]
    events = set(AuditEvent.objects.filter(actor=counsellor).values_list("event_type", flat=True))
    assert {"conversation.viewed", "conversation.read"} <= events


def test_claiming_then_a_second_claim_gets_a_clear_conflict(
    signed_in: Any, counsellor: Any, colleague: Any, client: Any
) -> None:
    conversation = conversation_with("Hej")
    signed_in(counsellor).post(url("claim", pk=conversation.pk))
    conversation.refresh_from_db()
    assert conversation.status == ConversationStatus.ACTIVE and conversation.assigned_to == counsellor
    # The colleague had the page open from the queue; now it is someone else's: 404.
    client.logout()
    assert signed_in(colleague).post(url("claim", pk=conversation.pk)).status_code == 404


def test_a_reply_claims_a_waiting_conversation_and_ends_the_waiting(signed_in: Any, counsellor: Any) -> None:
    centre_always_open()
    conversation = conversation_with("Hej", acute=True)
    response = signed_in(counsellor).post(
        url("reply", pk=conversation.pk),
        {"client_id": str(uuid.uuid4()), "text": "Hej, jag heter Counsellor."},
    )
    assert response.status_code == 302
    conversation.refresh_from_db()
    assert conversation.status == ConversationStatus.ACTIVE and conversation.assigned_to == counsellor
    assert conversation.waiting_since is None and conversation.acute_since is None
    reply = Message.objects.get(conversation=conversation, sender=SenderKind.STAFF)
    assert reply.author == counsellor


def test_an_empty_reply_is_refused_and_nothing_changes(signed_in: Any, counsellor: Any) -> None:
    conversation = conversation_with("Hej")
    response = signed_in(counsellor).post(
        url("reply", pk=conversation.pk), {"client_id": str(uuid.uuid4()), "text": " "}
    )
    assert response.status_code == 400
    conversation.refresh_from_db()
    assert conversation.status == ConversationStatus.WAITING
    assert not Message.objects.filter(sender=SenderKind.STAFF).exists()


def test_standard_replies_come_in_the_visitors_language_else_swedish(signed_in: Any, counsellor: Any) -> None:
    StandardReply.objects.create(title="Welcome", language="sv", body="Välkommen hit")
    StandardReply.objects.create(title="Welcome", language="en", body="Welcome here")
    only_swedish = StandardReply.objects.create(title="Hours", language="sv", body="Vi har öppet vardagar")
    conversation = conversation_with("Hello", language="en")
    client = signed_in(counsellor)
    page = client.get(url("conversation", pk=conversation.pk)).content.decode()
    assert "Welcome here" in page and "Välkommen hit" not in page and "Vi har öppet vardagar" in page
    # Without JavaScript, choosing one fills the reply box.
    response = client.post(
        url("reply", pk=conversation.pk),
        {"client_id": str(uuid.uuid4()), "text": "", "insert": only_swedish.pk, "insert_submit": "1"},
    )
    assert "Vi har öppet vardagar</textarea>" in response.content.decode()


def test_without_javascript_insert_keeps_the_draft_and_adds_the_standard_reply(
    signed_in: Any, counsellor: Any
) -> None:
    # "Insert" was a separate form: the page came back with only the standard reply, the
    # counsellor's draft gone.
    hours = StandardReply.objects.create(title="Hours", language="sv", body="Vi har öppet vardagar")
    conversation = conversation_with("Hej")
    client_id = str(uuid.uuid4())
    client = signed_in(counsellor)
    page = client.get(url("conversation", pk=conversation.pk)).content.decode()
    reply_form = page[page.index('id="reply"') :]
    assert 'name="insert_submit"' in reply_form[: reply_form.index("</form>")], (
        "Insert is not in the reply form"
    )
    response = client.post(
        url("reply", pk=conversation.pk),
        {"client_id": client_id, "text": "Hej, jag heter Sara.", "insert": hours.pk, "insert_submit": "1"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Hej, jag heter Sara.\n\nVi har öppet vardagar</textarea>" in page
    assert f'value="{client_id}"' in page  # the same id: the draft is sent once
    assert not Message.objects.filter(sender=SenderKind.STAFF).exists()  # nothing was sent
    conversation.refresh_from_db()
    assert conversation.status == ConversationStatus.WAITING


def test_a_transfer_without_a_reason_is_refused(signed_in: Any, counsellor: Any, colleague: Any) -> None:
    conversation = conversation_with("Hej", status=ConversationStatus.ACTIVE, assigned_to=counsellor)
    response = signed_in(counsellor).post(
        url("transfer", pk=conversation.pk), {"to_staff": colleague.pk, "reason": ""}
    )
    assert response.status_code == 400
    assert not Transfer.objects.exists()


def test_a_transfer_hands_it_over_and_the_giver_loses_sight_of_it(
    signed_in: Any, counsellor: Any, colleague: Any
) -> None:
    conversation = conversation_with("Hej", status=ConversationStatus.ACTIVE, assigned_to=counsellor)
    client = signed_in(counsellor)
    response = client.post(
        url("transfer", pk=conversation.pk), {"to_staff": colleague.pk, "reason": "Semester"}
    )
    assert response.status_code == 302 and response["Location"] == url("queue")
    assert Conversation.objects.get(pk=conversation.pk).assigned_to == colleague
    assert client.get(url("conversation", pk=conversation.pk)).status_code == 404


def test_a_supervisor_may_open_any_conversation(signed_in: Any, counsellor: Any, supervisor: Any) -> None:
    conversation = conversation_with("Hej", status=ConversationStatus.ACTIVE, assigned_to=counsellor)
    assert signed_in(supervisor).get(url("conversation", pk=conversation.pk)).status_code == 200


def test_closing_removes_it_from_the_queue(signed_in: Any, counsellor: Any) -> None:
    conversation = conversation_with("Hej", status=ConversationStatus.ACTIVE, assigned_to=counsellor)
    client = signed_in(counsellor)
    client.post(url("close", pk=conversation.pk))
    assert Conversation.objects.get(pk=conversation.pk).status == ConversationStatus.CLOSED
    assert f"/{conversation.pk}/" not in client.get(url("queue")).content.decode()


# --- standard replies -------------------------------------------------------------------------


def test_a_supervisor_creates_edits_and_deletes_standard_replies_audited(
    signed_in: Any, supervisor: Any
) -> None:
    client = signed_in(supervisor)
    client.post(url("standard_replies"), {"title": "Hej", "language": "en", "body": "Hello"})
    reply = StandardReply.objects.get(title="Hej")
    client.post(
        url("standard_reply_edit", pk=reply.pk), {"title": "Hej", "language": "en", "body": "Hello there"}
    )
    assert StandardReply.objects.get(pk=reply.pk).body == "Hello there"
    duplicate = client.post(url("standard_replies"), {"title": "Hej", "language": "en", "body": "Again"})
    assert duplicate.status_code == 400 and StandardReply.objects.count() == 1
    client.post(url("standard_reply_delete", pk=reply.pk))
    assert not StandardReply.objects.exists()
    events = list(AuditEvent.objects.filter(actor=supervisor).values_list("event_type", flat=True))
    assert {"standard_reply.created", "standard_reply.changed", "standard_reply.deleted"} <= set(events)


# --- opening hours --------------------------------------------------------------------------


def hours_post(**days: str) -> dict[str, str]:
    return {f"day_{day}": days.get(f"d{day}", "") for day in range(7)}


def test_an_administrator_sets_several_intervals_a_day_and_a_night_to_midnight(
    signed_in: Any, administrator: Any
) -> None:
    client = signed_in(administrator)
    response = client.post(
        url("opening_hours"), hours_post(d0="08:00-12:00, 13:00-17:00", d4="20:00-24:00", d5="00:00-02:00")
    )
    assert response.status_code == 302
    rows = [(r.weekday, r.opens, r.closes) for r in OpeningHours.objects.order_by("weekday", "opens")]
    assert rows == [
        (0, dt.time(8), dt.time(12)),
        (0, dt.time(13), dt.time(17)),
        (4, dt.time(20), END_OF_DAY),
        (5, dt.time(0), dt.time(2)),
    ]
    event = AuditEvent.objects.get(event_type="opening_hours.changed")
    assert event.actor == administrator and "0 08:00-12:00" in event.data["after"]
    assert 'value="20:00-24:00"' in client.get(url("opening_hours")).content.decode()


@pytest.mark.parametrize(
    "bad", ["17:00-08:00", "08:00-12:00, 11:00-13:00", "8-17", "25:00-26:00", "09:00-09:00"]
)
def test_bad_opening_hours_get_a_message_and_change_nothing(
    signed_in: Any, administrator: Any, bad: str
) -> None:
    OpeningHours.objects.create(weekday=1, opens=dt.time(9), closes=dt.time(16))
    response = signed_in(administrator).post(url("opening_hours"), hours_post(d0=bad, d1="09:00-16:00"))
    assert response.status_code == 400
    assert 'class="error"' in response.content.decode()
    assert list(OpeningHours.objects.values_list("weekday", flat=True)) == [1]
    assert not AuditEvent.objects.filter(event_type="opening_hours.changed").exists()


# --- absences -------------------------------------------------------------------------------


def test_a_counsellor_sets_their_own_absence_and_cannot_name_someone_else(
    signed_in: Any, counsellor: Any, colleague: Any
) -> None:
    today = timezone.localdate()
    client = signed_in(counsellor)
    response = client.post(
        url("absences"),
        {
            "staff": colleague.pk,
            "stand_in": colleague.pk,
            "starts_on": today,
            "ends_on": today + dt.timedelta(days=2),
        },
    )
    # The staff field is fixed to the counsellor: what they sent for it is ignored.
    assert response.status_code == 302
    absence = Absence.objects.get()
    assert absence.staff == counsellor and absence.stand_in == colleague and absence.created_by == counsellor
    assert colleague.get_full_name() in client.get(url("absences")).content.decode()


def test_an_absence_with_the_last_day_first_is_refused(
    signed_in: Any, supervisor: Any, counsellor: Any, colleague: Any
) -> None:
    today = timezone.localdate()
    response = signed_in(supervisor).post(
        url("absences"),
        {
            "staff": counsellor.pk,
            "stand_in": colleague.pk,
            "starts_on": today + dt.timedelta(days=2),
            "ends_on": today,
        },
    )
    assert response.status_code == 400 and not Absence.objects.exists()


def test_an_absence_ending_years_ahead_or_crossing_the_stand_ins_gets_field_errors_in_swedish(
    signed_in: Any, supervisor: Any, counsellor: Any, colleague: Any
) -> None:
    today = timezone.localdate()
    Absence.objects.create(staff=colleague, stand_in=counsellor, starts_on=today, ends_on=today)
    client = signed_in(supervisor)
    form = {"staff": counsellor.pk, "stand_in": colleague.pk, "starts_on": today, "ends_on": today}
    far_form = {**form, "stand_in": supervisor.pk, "ends_on": dt.date(2062, 1, 1)}
    for language, crossing_text, far_text in (
        ("sv", "Ersättaren är själv borta", "högst ett år"),
        ("en", "The stand-in is away", "at most a year"),
    ):
        crossing = client.post(url("absences"), form, HTTP_ACCEPT_LANGUAGE=language)
        far = client.post(url("absences"), far_form, HTTP_ACCEPT_LANGUAGE=language)
        assert crossing.status_code == 400 and crossing.context["form"].errors["stand_in"]
        assert crossing_text in crossing.content.decode()
        assert far.status_code == 400 and far.context["form"].errors["ends_on"]
        assert far_text in far.content.decode()
    assert Absence.objects.count() == 1


def test_the_start_page_links_to_the_queue_for_counsellors_only(
    signed_in: Any, cast: Any, client: Any
) -> None:
    for role, user in cast.items():
        client.logout()
        page = signed_in(user).get(reverse("staff:dashboard")).content.decode()
        assert (f'href="{url("queue")}"' in page) == (role in {Role.COUNSELLOR, Role.SUPERVISOR}), role
