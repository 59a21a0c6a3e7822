from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoomsConfig(AppConfig):
    """Anonymous visitor rooms (R9, R7, R12): code, passphrase, saved pages, notes."""

    name = "hedershus.rooms"
    label = "rooms"
    verbose_name = _("Rooms")
    # What visitors see, translated into every configured language
    # (hedershus/portal/public_strings.py); rooms have no staff pages.
    public_translation_sources = (
        "templates/rooms/*.html",
        "templates/rooms/*.js",
        "templates/rooms/includes/*.html",
        "forms.py",
        "selectors.py",
        "services.py",
        "views.py",
        "templatetags/*.py",
    )

    def ready(self) -> None:
        from hedershus.audit.events import register_event_types
        from hedershus.rooms.events import EVENT_LABELS

        register_event_types({str(kind): label for kind, label in EVENT_LABELS.items()})

        # What this app keeps and how long (R22): hedershus/core/retention.py's registry.
        from hedershus.rooms.retention_declarations import register as register_retention

        register_retention()
