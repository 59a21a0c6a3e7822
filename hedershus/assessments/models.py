"""Assessments on a case (R15): the instrument versions used and the completed assessments.

An ``Instrument`` row is one version of one instrument's definition, as checked by the engine
(``engine.py``): the shipped ones are copied from ``instruments/*.json`` when first used, a
judgement frame is loaded by a supervisor (``frames.py``). An ``Assessment`` points to the
version it used (PROTECT: a used version can never go), so a later version never changes an
old result. Completed assessments are never changed: a new one is made instead.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hedershus.cases.models import Case


class InstrumentKind(models.TextChoices):
    QUESTIONNAIRE = "questionnaire", _("Questionnaire")
    JUDGEMENT = "judgement", _("Structured professional judgement")


class InstrumentSource(models.TextChoices):
    SHIPPED = "shipped", _("Shipped with the platform")
    LOADED = "loaded", _("Loaded by the organisation")


class Instrument(models.Model):
    """One version of an instrument. ``definition`` is the engine's normalised JSON and
    ``digest`` its SHA-256, so a shipped file changed without a new version is caught."""

    key = models.CharField(_("instrument"), max_length=64)
    version = models.CharField(_("version"), max_length=32)
    kind = models.CharField(_("kind"), max_length=16, choices=InstrumentKind.choices)
    source = models.CharField(_("source"), max_length=16, choices=InstrumentSource.choices)
    definition = models.JSONField()
    digest = models.CharField(max_length=64)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    loaded_at = models.DateTimeField(_("loaded"))

    class Meta:
        verbose_name = _("assessment instrument")
        verbose_name_plural = _("assessment instruments")
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="assessments_instrument_version_unique"),
            models.CheckConstraint(
                condition=models.Q(kind__in=InstrumentKind.values), name="assessments_instrument_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(source__in=InstrumentSource.values),
                name="assessments_instrument_source_valid",
            ),
        ]
        # The newest version of each instrument: instruments_current().
        indexes = [models.Index(fields=["key", "-loaded_at", "-id"], name="assessments_instr_newest")]

    def __str__(self) -> str:
        return f"{self.key} {self.version}"


class Assessment(models.Model):
    """A completed assessment. ``answers_encrypted`` and ``result_encrypted`` are JSON
    encrypted with ``core.crypto`` (answers, notes and reasons say something about a person,
    and so do a score and a risk level); nothing about the person is stored in clear."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assessments")
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="assessments")
    answers_encrypted = models.TextField()
    result_encrypted = models.TextField()
    performed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    performed_at = models.DateTimeField(_("date"))

    class Meta:
        ordering = ("-performed_at", "-id")
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        # The case's list and the follow-up timeline: a case's assessments, newest first.
        indexes = [models.Index(fields=["case", "-performed_at", "-id"], name="assessments_case_newest")]

    def __str__(self) -> str:
        return f"assessment {self.pk} on case {self.case_id}"
