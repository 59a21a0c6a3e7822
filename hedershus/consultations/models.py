"""Consultations (R17, konsultativt stöd): a partner professional asks the centre for advice
about a situation without naming the person, and a counsellor answers in a thread.

A consultation belongs to the partner unit it was asked from (``unit``): every professional
of that unit sees it, no one of another unit does. The subject and every message are
encrypted at rest (``core.crypto``); what stays in clear is what the lists filter and sort
on (status, dates, who). The professional may ask the centre to act as the authority's
agent (``agent_request``, *uppdragstagare*); a counsellor who accepts that role is recorded
(``agent_accepted_by``, ``agent_accepted_at``). A consultation that becomes a case links it
(``case``, SET_NULL: when the case is culled the link goes and the consultation falls under
its own retention, ``consultations/retention.py``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hedershus.cases.models import Case
from hedershus.partners.models import PartnerUnit


class ConsultationStatus(models.TextChoices):
    """Open: waiting for the centre. Answered: the centre wrote last. Closed: done; no more
    messages (a new question is a new consultation)."""

    OPEN = "open", _("Waiting for the centre")
    ANSWERED = "answered", pgettext_lazy("consultation", "Answered")
    CLOSED = "closed", pgettext_lazy("consultation", "Closed")


class Consultation(models.Model):
    unit = models.ForeignKey(
        PartnerUnit, on_delete=models.PROTECT, related_name="consultations", verbose_name=_("unit")
    )
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    subject_encrypted = models.TextField()
    status = models.CharField(
        _("status"), max_length=16, choices=ConsultationStatus.choices, default=ConsultationStatus.OPEN
    )
    created_at = models.DateTimeField()
    # The newest message, taking, closing or case link: lists sort on it, retention counts from it.
    last_activity_at = models.DateTimeField()
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    taken_at = models.DateTimeField(null=True, blank=True)
    agent_request = models.BooleanField(_("asks the centre to act as agent"), default=False)
    agent_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    agent_accepted_at = models.DateTimeField(null=True, blank=True)
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="consultations"
    )
    case_linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    case_linked_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    # Picked when the form is shown: a double submit stores one consultation.
    client_id = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ("-last_activity_at", "-id")
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ConsultationStatus.values), name="consultations_status_valid"
            ),
            models.CheckConstraint(
                condition=(
                    Q(status=ConsultationStatus.CLOSED, closed_at__isnull=False)
                    | (~Q(status=ConsultationStatus.CLOSED) & Q(closed_at__isnull=True))
                ),
                name="consultations_closed_exactly_when_dated",
            ),
            models.CheckConstraint(
                condition=(
                    Q(agent_accepted_by__isnull=True, agent_accepted_at__isnull=True)
                    | Q(agent_request=True, agent_accepted_by__isnull=False, agent_accepted_at__isnull=False)
                ),
                name="consultations_agent_accepted_only_when_asked",
            ),
            models.CheckConstraint(
                condition=Q(handled_by__isnull=True) | Q(taken_at__isnull=False),
                name="consultations_taken_with_time",
            ),
            models.UniqueConstraint(
                fields=["asked_by", "client_id"],
                condition=Q(client_id__isnull=False),
                name="consultations_one_per_form",
            ),
        ]
        indexes = [
            # The staff list: open ones first, newest activity first.
            models.Index(fields=["status", "-last_activity_at"], name="consult_status_activity_idx"),
            # A unit's list for its professionals.
            models.Index(fields=["unit", "-last_activity_at"], name="consult_unit_activity_idx"),
            # Retention: consultations without a case by their last activity.
            models.Index(
                fields=["last_activity_at"],
                condition=Q(case__isnull=True),
                name="consult_no_case_activity_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"consultation {self.pk} of unit {self.unit_id}"


class ConsultationMessage(models.Model):
    """One message of the thread; ``from_centre`` says which side wrote it (a counsellor,
    or a professional of the unit). The text is encrypted at rest."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    from_centre = models.BooleanField()
    text_encrypted = models.TextField()
    created_at = models.DateTimeField()
    client_id = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ("created_at", "id")
        verbose_name = _("consultation message")
        verbose_name_plural = _("consultation messages")
        constraints = [
            models.UniqueConstraint(
                fields=["author", "client_id"],
                condition=Q(client_id__isnull=False),
                name="consultations_message_one_per_form",
            ),
        ]

    def __str__(self) -> str:
        return f"message {self.pk} in consultation {self.consultation_id}"
