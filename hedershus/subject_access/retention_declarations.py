"""What data-subject requests keep and how long (R22; ``hedershus.core.retention``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from hedershus.core.retention import PeriodUnit, RetentionDeclaration, after, declare_retention
from hedershus.subject_access.retention import requests_expired


def register() -> None:
    """Declares the subject_access app's record types (from ``SubjectAccessConfig.ready``)."""
    declare_retention(
        RetentionDeclaration(
            model="subject_access.SubjectAccessRequest",
            personal_data=True,
            rule=after(
                "SUBJECT_ACCESS_RETENTION_DAYS",
                PeriodUnit.DAYS,
                _("it was delivered or refused (or received, if it never was); the extract is never stored"),
            ),
            settings=("SUBJECT_ACCESS_RETENTION_DAYS",),
            job="subject_access",
            due=lambda now: requests_expired(now=now).count(),
        ),
        RetentionDeclaration(
            model="subject_access.ItemDecision",
            personal_data=True,
            parent="subject_access.SubjectAccessRequest",
        ),
    )
