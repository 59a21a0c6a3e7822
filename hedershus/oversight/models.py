"""Log reviews (loggkontroll, R20): a set of audited reads an auditor judges and signs off."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hedershus.audit.models import AuditEvent


class ReviewKind(models.TextChoices):
    """How the reads of a review were chosen."""

    SAMPLE = "sample", _("Random sample of staff reads")
    CASE = "case", _("Every read of one case")
    STAFF_MEMBER = "staff_member", _("Every read by one staff member")
    PROTECTED = "protected", _("Reads of cases with protected identity")
    UNASSIGNED = "unassigned", _("Reads by staff not working on the case")
    AFTER_HOURS = "after_hours", _("Reads outside working hours")


class Verdict(models.TextChoices):
    """An auditor's judgement of one read."""

    JUSTIFIED = "justified", _("Justified")
    FOLLOW_UP = "follow_up", _("To be followed up")


class LogReview(models.Model):
    """One review: the reads chosen by ``kind`` in a period, judged one by one, then signed.

    Once ``signed_at`` is set nothing in it changes (``services`` refuses, and every change
    before that is an audit event). ``case_id``/``staff_member`` narrow a targeted review;
    ``sample_size`` and ``seed`` make a sample reproducible; ``truncated`` says the period held
    more matching reads than a review lists (``services.REVIEW_MAX_ITEMS``).
    """

    kind = models.CharField(_("kind"), max_length=16, choices=ReviewKind.choices)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    case_id = models.PositiveBigIntegerField(_("case"), null=True, blank=True)
    staff_member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sample_size = models.PositiveIntegerField(null=True, blank=True)
    seed = models.BigIntegerField(null=True, blank=True)
    candidates = models.PositiveIntegerField(default=0)
    truncated = models.BooleanField(default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    summary_encrypted = models.TextField(blank=True)

    class Meta:
        verbose_name = _("log review")
        verbose_name_plural = _("log reviews")
        ordering = ("-created_at", "-id")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_start__lte=models.F("period_end")),
                name="oversight_review_period_order",
            ),
            models.CheckConstraint(
                condition=models.Q(signed_at__isnull=True, signed_by__isnull=True)
                | models.Q(signed_at__isnull=False, signed_by__isnull=False),
                name="oversight_review_signed_by_when",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period_start} - {self.period_end}"

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None


class LogReviewItem(models.Model):
    """One audited read in a review, and the auditor's judgement of it.

    ``comment_encrypted``: why it is to be followed up (it may name what was read, so it is
    encrypted like case text). A follow-up is closed by a supervisor with a note.
    """

    review = models.ForeignKey(LogReview, on_delete=models.PROTECT, related_name="items")
    event = models.ForeignKey(AuditEvent, on_delete=models.PROTECT, related_name="+")
    verdict = models.CharField(_("judgement"), max_length=16, choices=Verdict.choices, blank=True)
    comment_encrypted = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    follow_up_closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    follow_up_closed_at = models.DateTimeField(null=True, blank=True)
    follow_up_note_encrypted = models.TextField(blank=True)

    class Meta:
        verbose_name = _("reviewed read")
        verbose_name_plural = _("reviewed reads")
        ordering = ("event_id",)
        constraints = [
            models.UniqueConstraint(fields=["review", "event"], name="oversight_item_event_once"),
        ]

    def __str__(self) -> str:
        return f"event {self.event_id} in review {self.review_id}"
