"""The portal's fixed vocabularies, each defined once: who a text is for, what it is about,
the kinds of page a visitor can search for, and (for editors) where a translation stands.

A module of its own, importing no models, so that forms and template tags can use them
without importing the page models (which use those forms for their context).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Audience(models.TextChoices):
    """The four groups of visitors the portal writes for (P1-P4 in the brief)."""

    EXPOSED = "exposed", _("Someone exposed")
    RELATIVE = "relative", _("A relative or friend")
    PERPETRATOR = "perpetrator", _("Someone who wants to stop using violence or control")
    PROFESSIONAL = "professional", _("A professional or volunteer")


class Topic(models.TextChoices):
    RIGHTS = "rights", _("Rights")
    SAFETY = "safety", _("Safety")
    HELP = "help", _("Getting help")
    FAMILY = "family", _("Family and relationships")
    SCHOOL = "school", _("School")
    HEALTH = "health", _("Health")
    LAW = "law", _("Law")
    METHODS = "methods", _("Methods and research")


class PageType(models.TextChoices):
    """The search filter "type": each key names one page model (its ``page_type_key``;
    ``models.PAGE_TYPES`` maps the keys to the models)."""

    ARTICLE = "article", _("Knowledge bank texts")
    RESEARCH = "research", _("Research and methods")
    DIRECTORY = "directory", _("Where to get help")
    AUDIENCE = "audience", _("Pages for each group")
    CONTACT = "contact", _("Contact")


class TranslationState(models.TextChoices):
    """Where a page's translation into one language stands (``selectors.translation_status``).

    For editors only (the admin is in Swedish and English), so not among the app's
    ``public_translation_choices``.
    """

    MISSING = "missing", _("Missing")
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    OUTDATED = "outdated", _("Outdated")
    CURRENT = "current", _("Up to date")
