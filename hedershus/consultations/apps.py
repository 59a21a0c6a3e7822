from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    """Consultations (R17): partner professionals ask the centre for advice without naming the
    person; a counsellor answers in a thread."""

    name = "hedershus.consultations"
    label = "consultations"
    verbose_name = _("Consultations")
