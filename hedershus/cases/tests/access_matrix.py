"""This app's staff URLs in the access matrix (core/tests/test_access_matrix.py).

``entries()`` maps each URL name to the arguments of the matrix's ``Entry``: ``allowed`` (the
roles that reach the page), and as needed ``method``, ``ok_statuses`` and ``object_kwargs``
(a function of the matrix's target user returning the URL's arguments; for a case's pages it
builds a case every user who handles cases is assigned to, since the outsider tests in
test_object_urls.py cover those who may not).
"""

from __future__ import annotations

import secrets
import uuid
from typing import Any

from django.utils import timezone

from hedershus.accounts.models import User
from hedershus.cases.models import Case, CaseAssignment, Contact, Flag, Person
from hedershus.core.access import Capability, roles_with
from hedershus.core.crypto import encrypt_text
from hedershus.messaging.services.messages import message_post_visitor
from hedershus.rooms.models import Room

HANDLERS = frozenset(roles_with(Capability.HANDLE_CASES))
SUPERVISORS = frozenset(roles_with(Capability.SUPERVISE_CASES))
FOUND, MOVED, REFUSED = frozenset({200}), frozenset({302}), frozenset({400})


def case_for_every_handler(target: Any) -> dict[str, Any]:
    """A case (made directly, no audit) every active user who handles cases is assigned to."""
    now = timezone.now()
    case = Case.objects.create(reference=f"M-{secrets.token_hex(4)}", opened_by=target, opened_at=now)
    for user in User.objects.filter(role__in=HANDLERS):
        CaseAssignment.objects.create(case=case, user=user, assigned_by=target, assigned_at=now)
    Contact.objects.create(case=case, channel="phone", occurred_at=now, taken_by=target)
    return {"case_id": case.pk}


def case_and_target(target: Any) -> dict[str, Any]:
    kwargs = case_for_every_handler(target)
    return {**kwargs, "user_id": target.pk}


def case_and_flag(target: Any) -> dict[str, Any]:
    kwargs = case_for_every_handler(target)
    flag = Flag.objects.create(
        case_id=kwargs["case_id"],
        message_encrypted=encrypt_text("Kontakta inte familjen"),
        raised_by=target,
        raised_at=timezone.now(),
    )
    return {**kwargs, "flag_id": flag.pk}


def case_and_person(target: Any) -> dict[str, Any]:
    kwargs = case_for_every_handler(target)
    person = Person.objects.create(case_id=kwargs["case_id"], alias="Nour", role="exposed", created_by=target)
    return {**kwargs, "person_id": person.pk}


def waiting_conversation(target: Any) -> dict[str, Any]:
    room = Room.objects.create(code_digest=secrets.token_hex(32), language="sv")
    message = message_post_visitor(room=room, client_id=uuid.uuid4(), text="Hej")
    return {"conversation_id": message.conversation_id}


def entries() -> dict[str, dict[str, Any]]:
    # Posted empty: the form's refusal (400) shows the view was reached; unassign the last
    # assignee but one comes back to the page (302).
    posted_empty = {
        "allowed": HANDLERS,
        "method": "post",
        "object_kwargs": case_for_every_handler,
        "ok_statuses": REFUSED,
    }
    return {
        "cases:list": {"allowed": HANDLERS},
        "cases:open": {"allowed": HANDLERS},
        "cases:problem_types": {"allowed": SUPERVISORS},
        "cases:open_from_conversation": {
            "allowed": HANDLERS,
            "method": "post",
            "object_kwargs": waiting_conversation,
            "ok_statuses": MOVED,
        },
        # Posted without a case: the refusal (400) shows the view was reached.
        "cases:join_from_conversation": {
            "allowed": HANDLERS,
            "method": "post",
            "object_kwargs": waiting_conversation,
            "ok_statuses": REFUSED,
        },
        "cases:detail": {"allowed": HANDLERS, "object_kwargs": case_for_every_handler},
        # Assigned already: the reason form sends them on to the case page.
        "cases:reason": {"allowed": HANDLERS, "object_kwargs": case_for_every_handler, "ok_statuses": MOVED},
        "cases:contact_add": posted_empty,
        "cases:status": posted_empty,
        "cases:urgency": posted_empty,
        "cases:assign": posted_empty,
        "cases:supervisor": {**posted_empty, "ok_statuses": MOVED},  # empty: no supervisor
        "cases:person_add": posted_empty,
        "cases:protected_identity": {**posted_empty, "ok_statuses": MOVED},  # empty: not protected
        "cases:relation_add": posted_empty,
        "cases:person_identify": {**posted_empty, "object_kwargs": case_and_person},
        "cases:problem_types_set": {**posted_empty, "ok_statuses": MOVED},  # empty: none chosen
        "cases:flag_raise": posted_empty,
        "cases:flag_lift": {**posted_empty, "object_kwargs": case_and_flag},
        "cases:decision": posted_empty,
        "cases:unassign": {
            "allowed": HANDLERS,
            "method": "post",
            "object_kwargs": case_and_target,
            "ok_statuses": MOVED,
        },
    }
