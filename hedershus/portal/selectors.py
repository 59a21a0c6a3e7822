"""Reads of the portal's settings."""

from __future__ import annotations

import logging

from django.db import DatabaseError

from hedershus.portal.models import DEFAULT_QUICK_EXIT_URL, SafetySettings

logger = logging.getLogger(__name__)


def safety_settings_current() -> SafetySettings:
    """The saved settings, or an unsaved row holding the defaults."""
    saved = SafetySettings.objects.filter(pk=SafetySettings.SINGLETON_PK).first()
    return saved or SafetySettings(pk=SafetySettings.SINGLETON_PK)


def quick_exit_destination() -> str:
    """Where the quick exit leads. Never fails: a visitor in danger must always get away."""
    try:
        return safety_settings_current().quick_exit_url
    except DatabaseError:
        logger.exception("Quick exit: settings unreadable, using the default destination")
        return DEFAULT_QUICK_EXIT_URL
