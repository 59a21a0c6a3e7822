from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    """Structured assessments on a case (R15): versioned instruments defined in data."""

    name = "hedershus.assessments"
    label = "assessments"
    verbose_name = _("Assessments")
