from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The public site shell: layout, quick exit, discreet mode, languages (R4, R11-R13)."""

    name = "hedershus.portal"
    label = "portal"
    verbose_name = _("Public site")
    # What visitors see, translated into every configured language (public_strings.py).
    public_translation_sources = (
        "templates/portal/*.html",
        "forms.py",
        "discreet.py",
        "views.py",
        "errors.py",
    )

    def ready(self) -> None:
        from hedershus.audit.events import register_event_types

        register_event_types({"settings.quick_exit_changed": _("Quick exit destination changed")})

        # What this app keeps and how long (R22): hedershus/core/retention.py's registry.
        from hedershus.portal.retention_declarations import register as register_retention

        register_retention()
