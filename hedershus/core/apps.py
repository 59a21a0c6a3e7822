from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "hedershus.core"
    label = "core"
    verbose_name = _("Platform")

    def ready(self) -> None:
        # The <id:…> path converter, before any app's URL conf is read.
        from hedershus.core import (
            checks,  # noqa: F401  (registers the start-up checks)
            converters,  # noqa: F401
        )

        # What this app keeps and how long (R22): hedershus/core/retention.py's registry.
        from hedershus.core.retention_declarations import register as register_retention

        register_retention()
