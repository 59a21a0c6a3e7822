"""A case: the centre's record of its work with one person or family network (R14).

This module holds the case itself, who works on it and who was let in with a reason (R20).
Persons, contacts, problem types, flags and the decision are added beside it; the journal,
assessments and documents are apps of their own that point here (docs/architecture.md).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseStatus(models.TextChoices):
    NEW = "new", _("New")
    ASSESSMENT = "assessment", _("Assessment")
    ONGOING = "ongoing", _("Ongoing")
    REFERRED = "referred", _("Referred")
    CLOSED = "closed", _("Closed")


class Urgency(models.TextChoices):
    ROUTINE = "routine", _("Routine")
    URGENT = "urgent", _("Urgent")
    ACUTE = "acute", _("Acute")


class Case(models.Model):
    """One case. ``reference`` is what staff say and write ("2026-0042"); the id never shows.

    Visible to its assigned staff (``CaseAssignment``) and its supervisor; anyone else who
    handles cases must give a reason first (``CaseAccessGrant``), see ``selectors``. With
    ``protected_identity`` (skyddade personuppgifter) identity and location fields show only
    to the assigned staff, and the case is left out of everyone else's searches.
    """

    reference = models.CharField(_("case number"), max_length=16, unique=True)
    status = models.CharField(_("status"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.NEW)
    urgency = models.CharField(_("urgency"), max_length=16, choices=Urgency.choices, default=Urgency.ROUTINE)
    protected_identity = models.BooleanField(_("protected identity"), default=False)
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("supervisor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervised_cases",
    )
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(_("opened"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        ordering = ("-opened_at", "-id")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=CaseStatus.values), name="cases_case_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(urgency__in=Urgency.values), name="cases_case_urgency_valid"
            ),
            # Closed exactly when it has a closing time.
            models.CheckConstraint(
                condition=models.Q(status=CaseStatus.CLOSED, closed_at__isnull=False)
                | (~models.Q(status=CaseStatus.CLOSED) & models.Q(closed_at__isnull=True)),
                name="cases_case_closed_at_matches_status",
            ),
        ]
        indexes = [models.Index(fields=["status", "urgency"])]

    def __str__(self) -> str:
        return self.reference


class CaseAssignment(models.Model):
    """A staff member working on a case; they see it without giving a reason."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_assignments"
    )
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="cases_assignment_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} on {self.case_id}"


class CaseAccessGrant(models.Model):
    """A colleague outside the case opened it after giving a reason (R20): kept as a record
    and audited (``case.opened_with_reason``); valid until ``expires_at``."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="access_grants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    granted_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["case", "user", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.case_id} until {self.expires_at:%Y-%m-%d %H:%M}"
