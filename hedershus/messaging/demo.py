"""Demo data for the counsellors' side: opening hours and a few standard replies in Swedish
and English (``manage.py demo_messaging``, run by scripts/run after ``demo_setup``).

Idempotent and careful: opening hours are set only when none exist (an administrator's are
kept), and a standard reply is added only where its title and language are missing.
Written without services: no user acts, so there is no audit actor; the command itself is
refused with DEBUG off.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from hedershus.messaging.models import OpeningHours, StandardReply

# Weekdays 08-17, evenings Monday to Thursday 18-21, Saturday 12-16 (Stockholm time).
DEMO_HOURS: dict[int, list[tuple[dt.time, dt.time]]] = {
    **{day: [(dt.time(8), dt.time(17))] for day in range(5)},
    **{day: [(dt.time(8), dt.time(17)), (dt.time(18), dt.time(21))] for day in range(4)},
    5: [(dt.time(12), dt.time(16))],
}

# The title is what counsellors pick by; one title per language version.
DEMO_REPLIES: list[tuple[str, str, str]] = [
    (
        "Välkommen",
        "sv",
        "Hej och välkommen! Jag arbetar här och läser det du skriver. Du behöver inte berätta vem du är. "
        "Vad vill du prata om?",
    ),
    (
        "Välkommen",
        "en",
        "Hello and welcome! I work here and read what you write. You do not need to tell me who you are. "
        "What would you like to talk about?",
    ),
    (
        "Akut fara",
        "sv",
        "Om du är i fara just nu: ring 112. Du kan också be att få prata med socialjouren. "
        "Jag finns kvar här i chatten.",
    ),
    (
        "Akut fara",
        "en",
        "If you are in danger right now, call 112. You can also ask to speak to socialjouren, "
        "the social services' emergency duty. I am still here in the chat.",
    ),
    (
        "Avslut",
        "sv",
        "Tack för att du skrev. Du kan komma tillbaka till ditt rum med din kod när du vill; "
        "då svarar jag eller en kollega.",
    ),
    (
        "Avslut",
        "en",
        "Thank you for writing. You can come back to your room with your code whenever you want; "
        "I or a colleague will answer.",
    ),
]


@dataclass(frozen=True)
class DemoReport:
    hours_set: bool
    replies_added: int


def demo_messaging_load() -> DemoReport:
    """Adds the demo opening hours (if none exist) and the missing demo standard replies."""
    with transaction.atomic():
        hours_set = not OpeningHours.objects.exists()
        if hours_set:
            OpeningHours.objects.bulk_create(
                OpeningHours(weekday=day, opens=opens, closes=closes)
                for day, pairs in DEMO_HOURS.items()
                for opens, closes in pairs
            )
        added = 0
        for title, language, body in DEMO_REPLIES:
            _reply, created = StandardReply.objects.get_or_create(
                title=title,
                language=language,
                defaults={"body": body},
            )
            added += created
    return DemoReport(hours_set=hours_set, replies_added=added)
