from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "hedershus.audit"
    label = "audit"
    verbose_name = _("Audit log")

    def ready(self) -> None:
        # What the audit log keeps and how long (R22): hedershus/core/retention.py's registry.
        from hedershus.audit.retention_declarations import register as register_retention

        register_retention()
