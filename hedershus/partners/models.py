"""The partner register (R19): partner organisations, their units and the units' professionals.

An organisation (a municipality, a district administration, Region Stockholm, the police, an
NGO …) has units; a unit is what a referral is sent to (R16), never a named person. A unit
says what it offers (``services``), where (``municipalities``, ``districts``; none named =
the whole county), in which languages, for whom (``audiences``), when and how to reach it, and
for shelters how many places are free. Units marked ``public`` feed the public help directory
(R2) through ``hedershus.cms.services.directory_entries_sync``.

Partner professionals are ``accounts.User`` with role ``partner``; ``UnitMembership`` says
which units they answer for, and whether they administer the unit's own members.

The list fields are JSON lists of strings whose values are checked by the services (and the
import) against the enums below and ``hedershus.core.places``; the database holds only what
passed that check.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hedershus.core.places import MUNICIPALITIES


class OrganisationKind(models.TextChoices):
    MUNICIPALITY = "municipality", _("Municipality")
    # A Stockholm city district administration (stadsdelsförvaltning).
    DISTRICT = "district", _("City district administration")
    # Region Stockholm: health care.
    REGION = "region", _("Region (health care)")
    POLICE = "police", _("Police")
    # Länsstyrelsen.
    COUNTY_BOARD = "county_board", _("County Administrative Board")
    NGO = "ngo", _("Non-governmental organisation")
    SHELTER = "shelter", _("Shelter")
    PROTECTED_HOUSING = "protected_housing", _("Protected housing")
    OTHER = "other", _("Other")


class ServiceKind(models.TextChoices):
    SOCIAL_SERVICES = "social_services", _("Social services")
    CHILD_PROTECTION = "child_protection", _("Child protection")
    SHELTER = "shelter", _("Shelter")
    PROTECTED_HOUSING = "protected_housing", _("Protected housing")
    POLICE = "police", _("Police")
    HEALTH_CARE = "health_care", _("Health care")
    PSYCHIATRY = "psychiatry", _("Psychiatry")
    YOUTH_CLINIC = "youth_clinic", _("Youth clinic")
    SCHOOL_HEALTH = "school_health", _("School health services")
    LEGAL_ADVICE = "legal_advice", _("Legal advice")
    SUPPORT_TALKS = "support_talks", _("Support talks")
    INTERPRETER = "interpreter", _("Interpreter")
    OTHER = "other", _("Other")


class Audience(models.TextChoices):
    """Whom a unit serves (``PartnerUnit.audiences``)."""

    CHILDREN = "children", _("Children")
    YOUTH = "youth", _("Young people")
    ADULTS = "adults", _("Adults")
    FAMILIES = "families", _("Families")
    PROFESSIONALS = "professionals", _("Professionals")


class PartnerOrganisation(models.Model):
    """An organisation the centre works with. ``municipality`` is one of
    ``core.places.MUNICIPALITIES`` for a municipality or district administration, else ""."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    municipality = models.CharField(_("municipality"), max_length=64, blank=True)
    org_number = models.CharField(_("organisation number"), max_length=16, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ("name", "id")
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=OrganisationKind.values), name="partners_organisation_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(municipality__in=("", *MUNICIPALITIES)),
                name="partners_organisation_municipality_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PartnerUnit(models.Model):
    """A unit of an organisation: what a referral is sent to (its inbox, never a person).

    ``municipalities`` empty means the unit covers the whole county. ``capacity_free`` is
    the number of free places (shelters, protected housing), ``None`` when not applicable or
    unknown; ``capacity_updated_at`` says when the unit (or an administrator) last set it.
    ``email`` is the unit's functional inbox: notifications go there when the unit has no
    professionals on the platform.
    """

    organisation = models.ForeignKey(
        PartnerOrganisation, on_delete=models.PROTECT, related_name="units", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=200)
    services = models.JSONField(_("services"), default=list, blank=True)
    municipalities = models.JSONField(_("municipalities covered"), default=list, blank=True)
    districts = models.JSONField(_("Stockholm districts covered"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    audiences = models.JSONField(_("audiences"), default=list, blank=True)
    opening_hours = models.TextField(_("opening hours"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail (functional inbox)"), blank=True)
    address = models.TextField(_("address"), blank=True)
    web = models.URLField(_("web address"), blank=True)
    capacity_free = models.PositiveIntegerField(_("free places"), null=True, blank=True)
    capacity_updated_at = models.DateTimeField(_("free places updated"), null=True, blank=True)
    on_platform = models.BooleanField(_("answers referrals in Hedershus"), default=False)
    public = models.BooleanField(_("shown in the public help directory"), default=False)
    public_description = models.TextField(_("public description"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(pgettext_lazy("unit", "updated"), auto_now=True)

    class Meta:
        ordering = ("organisation__name", "name", "id")
        verbose_name = _("partner unit")
        verbose_name_plural = _("partner units")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="partners_unit_name_unique"),
        ]
        indexes = [
            # units_for_referral and the directory sync read the active (public) units.
            models.Index(fields=["active", "public"], name="partners_unit_active_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation.name} — {self.name}"


class UnitMembership(models.Model):
    """A partner professional answers for a unit; ``is_unit_admin`` may add and remove the
    unit's professionals."""

    unit = models.ForeignKey(PartnerUnit, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="unit_memberships"
    )
    is_unit_admin = models.BooleanField(_("unit administrator"), default=False)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        ordering = ("unit_id", "id")
        verbose_name = _("unit membership")
        verbose_name_plural = _("unit memberships")
        constraints = [
            models.UniqueConstraint(fields=["unit", "user"], name="partners_membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in unit {self.unit_id}"
