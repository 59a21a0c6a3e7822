from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "hedershus.messaging"
    label = "messaging"
    verbose_name = _("Messaging")
    # What visitors see, translated into every configured language
    # (hedershus/portal/public_strings.py): the room's thread and the modules whose messages
    # reach it (hours.py writes the automatic answer in the room's language). The counsellors'
    # side (templates/messaging/staff/, staff_*.py, services/queue.py) stays sv/en.
    public_translation_sources = (
        "templates/messaging/*.html",
        "templates/messaging/*.js",
        "forms.py",
        "views.py",
        "consumers.py",
        "attachments.py",
        "hours.py",
        "services/messages.py",
    )

    def ready(self) -> None:
        from hedershus.audit.events import register_event_types
        from hedershus.messaging.events import MESSAGING_EVENT_TYPES

        register_event_types(MESSAGING_EVENT_TYPES)
        from hedershus.messaging.staff_events import STAFF_EVENT_TYPES  # the counsellors' side

        register_event_types(STAFF_EVENT_TYPES)

        # What this app keeps and how long (R22): hedershus/core/retention.py's registry.
        from hedershus.messaging.retention_declarations import register as register_retention

        register_retention()
