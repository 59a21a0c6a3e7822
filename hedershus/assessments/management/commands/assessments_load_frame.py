"""``manage.py assessments_load_frame <file>``: loads a licensed organisation's judgement frame
(JSON or CSV, see ``hedershus/assessments/frames.py``) as a new version. Run as the system
(audited without a user). Loading the same file again changes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hedershus.assessments.services import FrameInvalid, frame_load
from hedershus.core.exceptions import ApplicationError


class Command(BaseCommand):
    help = "Loads a structured-professional-judgement frame (JSON or CSV) as a new version."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the frame file (.json or .csv)")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{path}: cannot read the file: {error.strerror}") from None
        try:
            instrument, created = frame_load(actor=None, content=content, filename=path.name)
        except FrameInvalid as error:
            raise CommandError("\n".join(error.problems)) from None
        except ApplicationError as error:
            raise CommandError(f"{path.name}: {error}") from None
        state = "loaded" if created else "already loaded with this content"
        self.stdout.write(f"{instrument.key} version {instrument.version}: {state}.")
