"""Referrals (R16, slussning): a case sent on to a partner unit, never to a named person.

A ``Referral`` goes from a case (``case``) to a unit of the partner register
(``partners.PartnerUnit``): through the unit's inbox in Hedershus (``channel`` "platform"), or,
for a unit not on the platform, by a phone call or a letter that the counsellor records
(``channel`` "phone" or "letter", with who was reached). It carries what is asked (encrypted),
its urgency, the legal basis for sharing (consent with its date and form, or one exception
from ``SecrecyException``), and a snapshot of the case fields the referrer picked (encrypted;
``shared_fields`` names them in clear, never their values).

Its status moves sent → received → accepted | declined → done, or withdrawn from any open
state; each move is a ``ReferralStep`` (who, when, a reason where one is asked, encrypted).
Until the unit accepts or declines, a ``deadline`` per urgency runs (settings
``REFERRAL_DEADLINE_HOURS_*``); when it passes, ``services.referrals_escalate_overdue`` marks
``escalated_at`` and tells the referrer's supervisor.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hedershus.cases.models import Case, Urgency
from hedershus.partners.models import PartnerUnit


class ReferralStatus(models.TextChoices):
    SENT = "sent", pgettext_lazy("referral", "Sent")
    RECEIVED = "received", _("Received")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    DONE = "done", pgettext_lazy("referral", "Done")
    WITHDRAWN = "withdrawn", pgettext_lazy("referral", "Withdrawn")


# A referral can still change (and be withdrawn) in these.
OPEN_STATUSES: tuple[str, ...] = (ReferralStatus.SENT, ReferralStatus.RECEIVED, ReferralStatus.ACCEPTED)
# The deadline runs in these: the unit has not answered yet.
AWAITING_ANSWER: tuple[str, ...] = (ReferralStatus.SENT, ReferralStatus.RECEIVED)


class StepKind(models.TextChoices):
    """A step of a referral's history: each status it entered, and its escalation."""

    SENT = "sent", pgettext_lazy("referral", "Sent")
    RECEIVED = "received", _("Received")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    DONE = "done", pgettext_lazy("referral", "Done")
    WITHDRAWN = "withdrawn", pgettext_lazy("referral", "Withdrawn")
    ESCALATED = "escalated", _("Escalated: the deadline passed")


class ReferralChannel(models.TextChoices):
    PLATFORM = "platform", _("Through Hedershus (the unit's inbox)")
    PHONE = "phone", _("Phone call (recorded by the counsellor)")
    LETTER = "letter", _("Letter (recorded by the counsellor)")


OFFLINE_CHANNELS: tuple[str, ...] = (ReferralChannel.PHONE, ReferralChannel.LETTER)


class LegalBasis(models.TextChoices):
    """Why the centre may share what it shares (offentlighets- och sekretesslagen, OSL)."""

    # OSL 12 kap. 2 §: the person (or, for a young child, the guardian: 12 kap. 3 §) waives
    # the secrecy that protects them, wholly or in part.
    CONSENT = "consent", _("Consent of the person")
    EXCEPTION = "exception", _("An exception to secrecy")


class ConsentForm(models.TextChoices):
    WRITTEN = "written", pgettext_lazy("consent form", "Written")
    ORAL = "oral", _("Oral")
    DIGITAL = "digital", _("Digital")


class SecrecyException(models.TextChoices):
    """The exceptions to secrecy a referral may rely on without consent.

    Sources (Swedish law as of 2026; the list and its wording are TO BE REVIEWED BY THE
    CENTRE'S LAWYER before production use, see docs):

    - ``necessary`` - OSL (2009:400) 10 kap. 2 §: disclosure necessary for the centre to carry
      out its own work (nödvändigt utlämnande). Read narrowly by JO.
    - ``report_child`` - the duty to report to the social services a concern that a child is
      harmed (socialtjänstlagen 2001:453, 14 kap. 1 §; the new socialtjänstlag 2025:400 keeps
      the duty, its chapter to be checked), which OSL 10 kap. 28 § lets through secrecy.
    - ``crime_minor`` - OSL 10 kap. 21 §: suspicion of a crime against someone under 18 under
      brottsbalken 3, 4 or 6 kap. (or the act against female genital mutilation), to the police
      or the prosecutor.
    - ``serious_crime`` - OSL 10 kap. 23-24 §§: suspicion of a crime serious enough (23 §:
      imprisonment and more than a fine to be expected; 24 §, where secrecy is strongest, as in
      social services and health care: at least one year's imprisonment), to the police or the
      prosecutor.
    - ``emergency`` - an immediate danger to someone's life or health that cannot be averted
      otherwise (nöd, brottsbalken 24 kap. 4 §).
    - ``other`` - another secrecy-breaking provision, named in ``legal_note``.
    """

    NECESSARY = "necessary", _("Necessary for the centre's own work (OSL 10 kap. 2 §)")
    REPORT_CHILD = (
        "report_child",
        _("Report of concern about a child to the social services (SoL 14 kap. 1 §, OSL 10 kap. 28 §)"),
    )
    CRIME_MINOR = (
        "crime_minor",
        _("Suspected crime against a child under 18, to the police or prosecutor (OSL 10 kap. 21 §)"),
    )
    SERIOUS_CRIME = (
        "serious_crime",
        _("Suspected serious crime, to the police or prosecutor (OSL 10 kap. 23 and 24 §§)"),
    )
    EMERGENCY = "emergency", _("Immediate danger to life or health (nöd, BrB 24 kap. 4 §)")
    OTHER = "other", _("Another secrecy-breaking provision (name it)")


class SharedField(models.TextChoices):
    """The case fields a referrer may pick to share; nothing else about the case is sent."""

    ALIAS = "alias", _("Alias")
    AGE_GROUP = "age_group", _("Age group")
    GENDER = "gender", _("Gender")
    MUNICIPALITY = "municipality", _("Municipality")
    DISTRICT = "district", _("District")
    PROBLEM_TYPES = "problem_types", _("Problem types")
    CASE_URGENCY = "case_urgency", _("The case's urgency")
    SUMMARY = "summary", _("A written summary")


class Referral(models.Model):
    """One referral of ``case`` to ``unit`` (see the module). ``referred_by`` sent or recorded
    it; ``asked_encrypted``, ``shared_encrypted`` (JSON of the picked fields' values),
    ``legal_note_encrypted``, ``offline_contact_encrypted`` and ``offline_note`` are encrypted
    with ``core.crypto``."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="referrals")
    unit = models.ForeignKey(PartnerUnit, on_delete=models.PROTECT, related_name="referrals")
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"))
    sent_at = models.DateTimeField(_("sent"))
    channel = models.CharField(_("channel"), max_length=16, choices=ReferralChannel.choices)
    # Offline referrals: who at the unit was reached (a name or a function), encrypted.
    offline_contact_encrypted = models.TextField(blank=True)
    asked_encrypted = models.TextField()
    urgency = models.CharField(_("urgency"), max_length=16, choices=Urgency.choices)
    legal_basis = models.CharField(_("legal basis"), max_length=16, choices=LegalBasis.choices)
    consent_date = models.DateField(_("consent given on"), null=True, blank=True)
    consent_form = models.CharField(
        _("form of consent"), max_length=16, choices=ConsentForm.choices, blank=True
    )
    secrecy_exception = models.CharField(
        _("exception relied on"), max_length=16, choices=SecrecyException.choices, blank=True
    )
    legal_note_encrypted = models.TextField(blank=True)
    # The names of the fields shared (clear: for the page and the audit), their values encrypted.
    shared_fields = models.JSONField(default=list, blank=True)
    shared_encrypted = models.TextField(blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ReferralStatus.choices, default=ReferralStatus.SENT
    )
    # Until the unit accepts or declines; after it passes an open referral is escalated once.
    deadline = models.DateTimeField(_("deadline"))
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Picked when the form was shown: a double submit or a retry stores one referral.
    client_id = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ("-sent_at", "-id")
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ReferralStatus.values), name="referrals_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(channel__in=ReferralChannel.values), name="referrals_channel_valid"
            ),
            models.CheckConstraint(condition=Q(urgency__in=Urgency.values), name="referrals_urgency_valid"),
            # Consent: with its date and form and no exception; an exception: from the list, no consent.
            models.CheckConstraint(
                condition=(
                    Q(
                        legal_basis=LegalBasis.CONSENT,
                        consent_date__isnull=False,
                        consent_form__in=ConsentForm.values,
                        secrecy_exception="",
                    )
                    | Q(
                        legal_basis=LegalBasis.EXCEPTION,
                        consent_date__isnull=True,
                        consent_form="",
                        secrecy_exception__in=SecrecyException.values,
                    )
                ),
                name="referrals_legal_basis_complete",
            ),
            # A referral by phone or letter says who was reached.
            models.CheckConstraint(
                condition=Q(channel=ReferralChannel.PLATFORM) | ~Q(offline_contact_encrypted=""),
                name="referrals_offline_contact_recorded",
            ),
            models.UniqueConstraint(
                fields=["referred_by", "client_id"],
                condition=Q(client_id__isnull=False),
                name="referrals_sent_once",
            ),
        ]
        indexes = [
            # The unit's inbox, newest first.
            models.Index(fields=["unit", "-sent_at"], name="referrals_unit_inbox_idx"),
            # The escalation run: open referrals past their deadline, not yet escalated.
            models.Index(
                fields=["deadline"],
                condition=Q(escalated_at__isnull=True, status__in=AWAITING_ANSWER),
                name="referrals_overdue_idx",
            ),
            # The counsellor's own referrals.
            models.Index(fields=["referred_by", "-sent_at"], name="referrals_referrer_idx"),
        ]

    def __str__(self) -> str:
        return f"referral {self.pk} of case {self.case_id} to unit {self.unit_id}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_offline(self) -> bool:
        return self.channel in OFFLINE_CHANNELS


class ReferralStep(models.Model):
    """One step of a referral's history. ``by`` is None for the system (escalation);
    ``successful`` is set on a "done" step only; ``reason_encrypted`` holds the reason of a
    decline, a withdrawal or an unsuccessful end (required there)."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(_("step"), max_length=16, choices=StepKind.choices)
    at = models.DateTimeField(_("when"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    successful = models.BooleanField(null=True, blank=True)
    reason_encrypted = models.TextField(blank=True)

    class Meta:
        ordering = ("at", "id")
        verbose_name = _("referral step")
        verbose_name_plural = _("referral steps")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=StepKind.values), name="referrals_step_kind_valid"),
            models.CheckConstraint(
                condition=Q(kind=StepKind.DONE, successful__isnull=False)
                | (~Q(kind=StepKind.DONE) & Q(successful__isnull=True)),
                name="referrals_step_outcome_on_done",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=(StepKind.DECLINED, StepKind.WITHDRAWN)) | ~Q(reason_encrypted=""),
                name="referrals_step_reason_given",
            ),
            models.CheckConstraint(
                condition=~Q(kind=StepKind.DONE, successful=False) | ~Q(reason_encrypted=""),
                name="referrals_step_unsuccessful_reason",
            ),
        ]
        indexes = [models.Index(fields=["referral", "at"], name="referrals_step_history_idx")]

    def __str__(self) -> str:
        return f"{self.kind} of referral {self.referral_id}"
