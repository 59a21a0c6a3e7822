"""Shows or sets where the quick exit leads, for operators without the staff pages at hand."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from hedershus.portal import services
from hedershus.portal.selectors import quick_exit_destination


class Command(BaseCommand):
    help = "Shows the quick exit destination, or sets it (an https URL of another site). Audited."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("url", nargs="?", help="the new destination, e.g. https://www.smhi.se/")

    def handle(self, *args: Any, **options: Any) -> None:
        url = options["url"]
        if url:
            try:
                services.quick_exit_url_change(actor=None, url=url)
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(quick_exit_destination())
