"""Cost sharing between the partners (R25): population tables, agreements, their yearly parts
and fixed shares. No personal data: names of parts and partners, amounts, populations.

A population table is never edited once imported: a later year's figures come as a new table,
and an agreement keeps pointing at the table it was made with (``on_delete=PROTECT``), so the
kronor an agreement shows never change behind the partners' backs.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

# The years an agreement may cover: a typing mistake outside these, not a plan.
FIRST_YEAR_ALLOWED = 2000
LAST_YEAR_ALLOWED = 2100
# A yearly amount larger than this (10 000 MSEK) is a typing mistake.
AMOUNT_MAX = 10_000_000_000


class PopulationTable(models.Model):
    """The municipalities' populations on ``reference_date`` (e.g. 2010-12-31), imported
    from a CSV file. Read-only once imported; one table per reference date (a second one
    would leave two sets of figures for the same day to choose between)."""

    reference_date = models.DateField(_("reference date"))
    source_note = models.CharField(_("source"), max_length=300, blank=True)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    imported_at = models.DateTimeField()

    class Meta:
        ordering = ("-reference_date", "-id")
        verbose_name = _("population table")
        verbose_name_plural = _("population tables")
        constraints = [
            models.UniqueConstraint(fields=["reference_date"], name="costs_population_date_once"),
        ]

    def __str__(self) -> str:
        return f"population {self.reference_date}"

    @property
    def total_population(self) -> int:
        return sum(row.population for row in self.rows.all())


class MunicipalityPopulation(models.Model):
    """One municipality's row in a population table: its number in the file (``nr``), name
    and population."""

    table = models.ForeignKey(PopulationTable, on_delete=models.CASCADE, related_name="rows")
    number = models.PositiveIntegerField(_("number"))
    name = models.CharField(_("municipality"), max_length=80)
    population = models.PositiveIntegerField(_("population"))

    class Meta:
        ordering = ("table", "number")
        verbose_name = _("population of a municipality")
        verbose_name_plural = _("populations of municipalities")
        constraints = [
            models.UniqueConstraint(fields=["table", "number"], name="costs_population_number_once"),
            models.UniqueConstraint(fields=["table", "name"], name="costs_population_name_once"),
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.population}"


class CostAgreement(models.Model):
    """An agreement between the partners for the years ``first_year``..``last_year``, split by
    the populations of ``population_table``."""

    name = models.CharField(_("name"), max_length=200)
    first_year = models.PositiveSmallIntegerField(_("first year"))
    last_year = models.PositiveSmallIntegerField(_("last year"))
    population_table = models.ForeignKey(
        PopulationTable,
        on_delete=models.PROTECT,
        related_name="agreements",
        verbose_name=_("population table"),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ("-first_year", "name", "id")
        verbose_name = _("cost agreement")
        verbose_name_plural = _("cost agreements")
        constraints = [
            models.CheckConstraint(
                condition=Q(last_year__gte=F("first_year")), name="costs_agreement_years_in_order"
            ),
            models.CheckConstraint(
                condition=Q(first_year__gte=FIRST_YEAR_ALLOWED, last_year__lte=LAST_YEAR_ALLOWED),
                name="costs_agreement_years_plausible",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.first_year}-{self.last_year}"

    @property
    def years(self) -> list[int]:
        return list(range(self.first_year, self.last_year + 1))


class CostPart(models.Model):
    """A yearly cost of the agreement (e.g. "Fysiskt hus", 5 000 000 kr a year) for the years
    ``first_year``..``last_year`` (within the agreement's)."""

    agreement = models.ForeignKey(CostAgreement, on_delete=models.CASCADE, related_name="parts")
    name = models.CharField(_("name"), max_length=200)
    amount = models.PositiveBigIntegerField(_("amount per year (kronor)"))
    first_year = models.PositiveSmallIntegerField(_("from year"))
    last_year = models.PositiveSmallIntegerField(_("until year"))

    class Meta:
        ordering = ("agreement", "id")
        verbose_name = _("cost part")
        verbose_name_plural = _("cost parts")
        constraints = [
            models.CheckConstraint(
                condition=Q(last_year__gte=F("first_year")), name="costs_part_years_in_order"
            ),
            models.CheckConstraint(condition=Q(amount__lte=AMOUNT_MAX), name="costs_part_amount_plausible"),
            models.UniqueConstraint(fields=["agreement", "name"], name="costs_part_name_once"),
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.amount} ({self.first_year}-{self.last_year})"

    def applies_in(self, year: int) -> bool:
        return self.first_year <= year <= self.last_year


class FixedShare(models.Model):
    """A named partner's fixed share of every year's budget, in basis points (2 500 = 25 %).
    An agreement's fixed shares add up to at most 10 000 (checked by the service under a
    lock of the agreement); the municipalities split the rest by population."""

    agreement = models.ForeignKey(CostAgreement, on_delete=models.CASCADE, related_name="fixed_shares")
    name = models.CharField(_("partner"), max_length=200)
    basis_points = models.PositiveIntegerField(_("share (basis points)"))

    class Meta:
        ordering = ("agreement", "id")
        verbose_name = _("fixed share")
        verbose_name_plural = _("fixed shares")
        constraints = [
            models.CheckConstraint(
                condition=Q(basis_points__gte=1, basis_points__lte=10_000), name="costs_share_within_whole"
            ),
            models.UniqueConstraint(fields=["agreement", "name"], name="costs_share_name_once"),
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.percent} %"

    @property
    def percent(self) -> Decimal:
        """The share in per cent (2 500 basis points: 25.00)."""
        return Decimal(self.basis_points) / 100
