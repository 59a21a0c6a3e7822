"""``manage.py partners_import <file> --actor <e-mail>``: the staff page's import from a shell."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hedershus.accounts.models import User
from hedershus.core.exceptions import ApplicationError
from hedershus.partners import imports, services


class Command(BaseCommand):
    help = (
        "Imports partner organisations and units from a CSV or XLSX file (layout: "
        "hedershus/partners/examples/README.md). Every row is checked first; any problem is "
        "listed by line and column and nothing is imported."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--actor",
            required=True,
            help="E-mail of the register administrator the import is recorded as (audit log).",
        )
        parser.add_argument("--check", action="store_true", help="Only check the file; import nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        actor = User.objects.filter(email__iexact=options["actor"], is_active=True).first()
        if actor is None:
            raise CommandError("No active account with that e-mail address.")
        try:
            size = path.stat().st_size
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from None
        if size > imports.MAX_BYTES:
            raise CommandError(f"The file is bigger than {imports.MAX_BYTES // (1024 * 1024)} MB.")
        try:
            kind, rows = imports.rows_read(path.read_bytes())
        except imports.ImportRefused as refused:
            for problem in refused.problems:
                self.stderr.write(str(problem))
            raise CommandError("Nothing was imported.") from None
        if options["check"]:
            self.stdout.write(f"{len(rows)} rows are good ({kind}); nothing imported (--check).")
            return
        try:
            report = services.register_import(actor=actor, rows=rows, file_kind=kind)
        except ApplicationError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Imported {len(rows)} rows ({kind}): {report.organisations_created} organisations added, "
            f"{report.units_created} units added, {report.units_updated} changed, "
            f"{report.units_unchanged} unchanged."
        )
