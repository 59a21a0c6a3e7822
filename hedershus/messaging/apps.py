from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "hedershus.messaging"
    label = "messaging"
    verbose_name = _("Messaging")

    def ready(self) -> None:
        from hedershus.audit.events import register_event_types
        from hedershus.messaging.events import MESSAGING_EVENT_TYPES

        register_event_types(MESSAGING_EVENT_TYPES)
        from hedershus.messaging.staff_events import STAFF_EVENT_TYPES  # the counsellors' side

        register_event_types(STAFF_EVENT_TYPES)
