"""Reads of consultations that apply the access rule (R17).

- Whoever handles cases (``HANDLE_CASES``: counsellors, supervisors) sees every
  consultation: the centre answers them together.
- A partner professional sees the consultations of the units they answer for
  (``partners.selectors.units_of_professional``), whoever of the unit asked.
- Anyone else sees none. Outsiders get an empty result or ``None``, never an error; the
  views turn ``None`` into 404.

Nothing is decrypted here except in ``consultation_thread``, which the views call only
after one of the access checks above.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import QuerySet

from hedershus.consultations.models import Consultation, ConsultationMessage, ConsultationStatus
from hedershus.core.access import Capability, user_has_capability
from hedershus.core.crypto import decrypt_text
from hedershus.partners.selectors import units_of_professional

# The most a list shows; the page says when there are more.
LIST_LIMIT = 200


def _with_people(consultations: QuerySet[Consultation]) -> QuerySet[Consultation]:
    return consultations.select_related("unit__organisation", "asked_by", "handled_by", "agent_accepted_by")


def consultations_for_staff(user: Any) -> QuerySet[Consultation]:
    """Every consultation for someone who handles cases (else none): waiting ones first
    (open, then answered, then closed), newest activity first within each."""
    if not user_has_capability(user, Capability.HANDLE_CASES):
        return Consultation.objects.none()
    order = models.Case(
        models.When(status=ConsultationStatus.OPEN, then=models.Value(0)),
        models.When(status=ConsultationStatus.ANSWERED, then=models.Value(1)),
        default=models.Value(2),
        output_field=models.IntegerField(),
    )
    return _with_people(Consultation.objects.annotate(status_order=order)).order_by(
        "status_order", "-last_activity_at", "-id"
    )


def consultations_for_professional(user: Any) -> QuerySet[Consultation]:
    """The consultations of the units ``user`` answers for, newest activity first; none for
    anyone who is not an active partner professional of an active unit."""
    units = units_of_professional(user)
    return _with_people(Consultation.objects.filter(unit__in=units.values("pk"))).order_by(
        "-last_activity_at", "-id"
    )


def consultation_get_for_staff(user: Any, consultation_id: int) -> Consultation | None:
    """Consultation ``consultation_id`` if ``user`` handles cases, else ``None``."""
    return consultations_for_staff(user).filter(pk=consultation_id).first()


def consultation_get_for_professional(user: Any, consultation_id: int) -> Consultation | None:
    """Consultation ``consultation_id`` if it belongs to a unit ``user`` answers for, else
    ``None`` (the same for one that does not exist)."""
    return consultations_for_professional(user).filter(pk=consultation_id).first()


@dataclass(frozen=True)
class MessageView:
    """One message as a page shows it: the author's display name and side, the text."""

    author_name: str
    from_centre: bool
    text: str
    created_at: Any


def author_name(user: Any, *, from_centre: bool) -> str:
    """How an author is named in the thread: a professional by full name (colleagues of the
    same unit read it); a counsellor by first name only, as the centre names its staff to
    people outside it (docs/messaging.md)."""
    if from_centre:
        return user.first_name or str(user.pk)
    return user.get_full_name() or user.email


def consultation_subject(consultation: Consultation) -> str:
    """The decrypted subject (call only after an access check)."""
    return decrypt_text(consultation.subject_encrypted)


def consultation_thread(consultation: Consultation) -> list[MessageView]:
    """The decrypted thread, oldest first (call only after an access check)."""
    messages = ConsultationMessage.objects.filter(consultation=consultation).select_related("author")
    return [
        MessageView(
            author_name=author_name(message.author, from_centre=message.from_centre),
            from_centre=message.from_centre,
            text=decrypt_text(message.text_encrypted),
            created_at=message.created_at,
        )
        for message in messages
    ]


def consultation_rows(consultations: QuerySet[Consultation]) -> list[tuple[Consultation, str]]:
    """At most ``LIST_LIMIT`` consultations with their decrypted subjects, for a list the
    caller has already scoped with one of the selectors above."""
    return [(consultation, consultation_subject(consultation)) for consultation in consultations[:LIST_LIMIT]]
