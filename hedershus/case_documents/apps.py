from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseDocumentsConfig(AppConfig):
    """Documents on a case (R19): versions, encrypted at rest, every download audited."""

    name = "hedershus.case_documents"
    label = "case_documents"
    verbose_name = _("Case documents")
