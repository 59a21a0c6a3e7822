"""What the portal keeps and how long (R22; ``hedershus.core.retention``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from hedershus.core.retention import RetentionDeclaration, declare_retention


def register() -> None:
    """Declares the portal's record types (from ``PortalConfig.ready``)."""
    declare_retention(
        RetentionDeclaration(
            model="portal.SafetySettings",
            personal_data=False,
            kept_because=_("Site settings name nobody; kept while they are the settings."),
        ),
    )
