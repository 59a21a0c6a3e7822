"""Data-subject access requests (registerutdrag, GDPR art. 15; R22).

A ``SubjectAccessRequest`` is one person's request for what the platform holds about them:
who asked, when it was received (the one-month clock of GDPR art. 12(3)), how their identity
was checked, and the ``Person`` rows of the case register found for their identity number
(``person_ids``, ids only). The number itself is kept encrypted (``core.crypto``), never in
clear, and never in an audit event.

The extract is not stored: it is built on demand from the case register (``selectors``) and
the preparer's decisions (``ItemDecision``: each free-text item released or withheld, with the
reason). Approval by a second person (four eyes) fixes those decisions; after delivery only the
request's record and the decisions (ids and reason codes, no text) remain.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RequestStatus(models.TextChoices):
    PREPARED = "prepared", _("Being prepared")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    DELIVERED = "delivered", _("Delivered")


class IdentityCheck(models.TextChoices):
    """How the requester showed they are the person (GDPR art. 12(6))."""

    ID_DOCUMENT = "id_document", _("ID document shown in person")
    E_ID = "e_id", _("Swedish e-ID (BankID, Freja)")
    OTHER = "other", _("Other (describe)")


class WithholdReason(models.TextChoices):
    """Why an item is withheld. The legal references are to be confirmed by the centre's
    lawyer (docs: /tmp/docs_subject_access.md, "Legal references")."""

    OTHER_PERSON = "other_person", _("Information about another person (secrecy, OSL 26 kap. 1 §)")
    PROTECTED_IDENTITY = (
        "protected_identity",
        _("Protected personal details: where the person lives or stays (OSL 21 kap. 3 §)"),
    )
    HARM = (
        "harm",
        _("Releasing it could harm the person or someone close to them (OSL 26 kap. 5 §)"),
    )
    INVESTIGATION = (
        "investigation",
        _("Part of an ongoing police or prosecutor's investigation (OSL 18 kap. 1 §)"),
    )


class SubjectAccessRequest(models.Model):
    """One request (see the module). ``status`` moves prepared → approved | refused, and
    approved → delivered; ``decided_by`` is never ``prepared_by`` (four eyes, services and a
    database constraint)."""

    status = models.CharField(
        _("status"), max_length=16, choices=RequestStatus.choices, default=RequestStatus.PREPARED
    )
    identity_number_encrypted = models.TextField()
    received_on = models.DateField(_("request received"))
    identity_check = models.CharField(_("identity checked by"), max_length=16, choices=IdentityCheck.choices)
    identity_check_note_encrypted = models.TextField(blank=True)
    person_ids = models.JSONField(default=list, blank=True)
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    prepared_at = models.DateTimeField(_("prepared"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    refusal_reason_encrypted = models.TextField(blank=True)
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    # The id the form picked when it was shown: a double submit returns the first request.
    client_id = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("data-subject request")
        verbose_name_plural = _("data-subject requests")
        ordering = ("-prepared_at", "-id")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=RequestStatus.values), name="subject_access_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(identity_check__in=IdentityCheck.values),
                name="subject_access_identity_check_valid",
            ),
            models.CheckConstraint(
                condition=Q(status=RequestStatus.PREPARED, decided_at__isnull=True, decided_by__isnull=True)
                | (~Q(status=RequestStatus.PREPARED) & Q(decided_at__isnull=False, decided_by__isnull=False)),
                name="subject_access_decided_unless_prepared",
            ),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=models.F("prepared_by")),
                name="subject_access_four_eyes",
            ),
            models.CheckConstraint(
                condition=Q(status=RequestStatus.DELIVERED, delivered_at__isnull=False)
                | (~Q(status=RequestStatus.DELIVERED) & Q(delivered_at__isnull=True)),
                name="subject_access_delivered_at_matches_status",
            ),
            models.CheckConstraint(
                condition=~Q(status=RequestStatus.REFUSED) | ~Q(refusal_reason_encrypted=""),
                name="subject_access_refusal_has_reason",
            ),
            models.UniqueConstraint(
                fields=["prepared_by", "client_id"],
                condition=Q(client_id__isnull=False),
                name="subject_access_prepared_once",
            ),
        ]
        # The list: open requests by when they were received (the due dates).
        indexes = [models.Index(fields=["status", "received_on"], name="subject_access_due_idx")]

    def __str__(self) -> str:
        return f"subject access request {self.pk}"


class ItemDecision(models.Model):
    """The preparer's decision on one item of the extract: ``item`` names it by kind and id
    ("journal:12", "contact:3", "location:7"; ``selectors.Item.key``), ``release`` whether it
    goes out, ``reason`` why not. No text of the item is kept here."""

    request = models.ForeignKey(SubjectAccessRequest, on_delete=models.CASCADE, related_name="decisions")
    item = models.CharField(max_length=40)
    release = models.BooleanField()
    reason = models.CharField(max_length=24, choices=WithholdReason.choices, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()

    class Meta:
        verbose_name = _("extract item decision")
        verbose_name_plural = _("extract item decisions")
        ordering = ("id",)
        constraints = [
            models.UniqueConstraint(fields=["request", "item"], name="subject_access_item_once"),
            models.CheckConstraint(
                condition=Q(release=True, reason="") | Q(release=False, reason__in=WithholdReason.values),
                name="subject_access_withheld_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} in request {self.request_id}"
