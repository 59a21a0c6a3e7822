"""What consultations keep and how long (R22; ``hedershus.core.retention``): one taken into a
case goes with it; one without a case goes ``CONSULTATION_RETENTION_DAYS`` after its last
activity (job ``consultations``, ``hedershus/consultations/retention.py``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from hedershus.consultations.retention import consultations_expired
from hedershus.core.retention import PeriodUnit, RetentionDeclaration, after, declare_retention


def register() -> None:
    """Declares the consultations app's record types (from ``ConsultationsConfig.ready``)."""
    declare_retention(
        RetentionDeclaration(
            model="consultations.Consultation",
            personal_data=True,
            rule=after(
                "CONSULTATION_RETENTION_DAYS",
                PeriodUnit.DAYS,
                _("its last activity, if it has no case (with a case, it goes with the case)"),
            ),
            settings=("CONSULTATION_RETENTION_DAYS",),
            job="consultations",
            due=lambda now: consultations_expired(now=now).count(),
        ),
        RetentionDeclaration(
            model="consultations.ConsultationMessage", personal_data=True, parent="consultations.Consultation"
        ),
    )
