from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "hedershus.audit"
    label = "audit"
