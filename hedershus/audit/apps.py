from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "hedershus.audit"
    label = "audit"

    def ready(self) -> None:
        # What the audit log keeps and how long (R22): hedershus/core/retention.py's registry.
        from hedershus.audit.retention_declarations import register as register_retention

        register_retention()
