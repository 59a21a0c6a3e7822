"""Follow-up over time (R18): how the person's life stands at each follow-up, and the
protective measures around them.

Each follow-up rates the life domains the brief names on one five-step scale. The steps
follow the Self-Sufficiency Matrix (Arizona, 2003; in Swedish and Dutch practice as
"Zelfredzaamheids-Matrix"): 1 in crisis, 2 vulnerable, 3 stable, 4 building capacity,
5 thriving, so that "higher is better" holds for every domain and the chart reads one way.
A domain not assessed at a follow-up has no rating (not a guessed one).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from hedershus.cases.models import Case


class LifeDomain(models.TextChoices):
    """The life domains of R18, in the order the chart and the table show them."""

    SAFETY = "safety", _("Safety")
    HOUSING = "housing", _("Housing")
    SCHOOL_WORK = "school_work", _("School or work")
    HEALTH = "health", _("Health")
    SOCIAL_NETWORK = "social_network", _("Social network")
    LEGAL = "legal", _("Legal situation")
    ECONOMY = "economy", _("Economy")


class Rating(models.IntegerChoices):
    """Five steps, higher is better (Self-Sufficiency Matrix anchors)."""

    CRISIS = 1, _("In crisis")
    VULNERABLE = 2, _("Vulnerable")
    STABLE = 3, _("Stable")
    BUILDING = 4, _("Building capacity")
    THRIVING = 5, _("Thriving")


class FollowUp(models.Model):
    """One follow-up of a case on ``held_on``: its ratings, and a note encrypted at rest."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="follow_ups")
    held_on = models.DateField(_("date of the follow-up"))
    note_encrypted = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ("held_on", "id")
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        constraints = [
            # One point per day on the chart: a second follow-up the same day is a mistake.
            models.UniqueConstraint(fields=["case", "held_on"], name="followup_one_per_case_and_day"),
        ]

    def __str__(self) -> str:
        return f"follow-up of {self.case_id} on {self.held_on}"


class DomainRating(models.Model):
    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="ratings")
    domain = models.CharField(max_length=16, choices=LifeDomain.choices)
    rating = models.PositiveSmallIntegerField(choices=Rating.choices)

    class Meta:
        verbose_name = _("life domain rating")
        verbose_name_plural = _("life domain ratings")
        constraints = [
            models.UniqueConstraint(fields=["follow_up", "domain"], name="followup_rating_one_per_domain"),
            models.CheckConstraint(
                condition=Q(domain__in=LifeDomain.values), name="followup_rating_domain_valid"
            ),
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="followup_rating_in_scale"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.domain}={self.rating}"


class MeasureKind(models.TextChoices):
    """Protective measures around a person exposed to honour-related violence in Sweden."""

    SHELTER = "shelter", _("Protected housing or shelter")
    CONTACT_BAN = "contact_ban", _("Contact ban (kontaktförbud)")
    PROTECTED_DETAILS = "protected_details", _("Protected personal details")
    CARE_ORDER = "care_order", _("Care under LVU")
    TRAVEL_BAN = "travel_ban", _("Travel ban (utreseförbud)")
    SAFETY_PLAN = "safety_plan", _("Safety plan")
    ALARM = "alarm", _("Personal alarm")
    OTHER = "other", _("Other measure")


class ProtectiveMeasure(models.Model):
    """A protective measure from ``started_on`` until ``ended_on`` (None: still in force)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="protective_measures")
    kind = models.CharField(_("measure"), max_length=24, choices=MeasureKind.choices)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    note_encrypted = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ("started_on", "id")
        verbose_name = _("protective measure")
        verbose_name_plural = _("protective measures")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=MeasureKind.values), name="followup_measure_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="followup_measure_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} in {self.case_id} from {self.started_on}"
