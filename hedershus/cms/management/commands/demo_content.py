from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hedershus.cms.demo import DEMO_CONTENT_DIR, DemoContentError, demo_content_load


class Command(BaseCommand):
    help = (
        "Loads the demo pages (hedershus/cms/demo_content/*.md) into the CMS and publishes them. "
        "Idempotent: run it again and only changed files make new revisions."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--directory", default=str(DEMO_CONTENT_DIR), help="Where the page files are.")

    def handle(self, *args: Any, **options: Any) -> None:
        from pathlib import Path

        try:
            report = demo_content_load(Path(options["directory"]))
        except DemoContentError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Demo content: {len(report.created)} created, {len(report.updated)} updated, "
            f"{len(report.unchanged)} unchanged."
        )
