"""``manage.py public_catalogues``: put every public string into each language's catalogue.

Translators of the public languages (fa, ckb, tr, so, ti and the others) work only on what
visitors see. This adds each public string (``hedershus.portal.public_strings``) that a
language's catalogue lacks, as an empty entry in the catalogue of the app whose files use it,
creating the catalogue with the language's plural rule where there is none. It never removes
or changes an entry. Then translate the empty entries and run ``manage.py compilemessages``;
the test ``hedershus/portal/tests/test_public_strings.py`` says what is still missing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polib  # type: ignore[import-untyped]  # no stubs; a dependency of wagtail-localize
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import to_locale

from hedershus.portal.public_strings import SOURCE_LANGUAGE, Message, public_messages

# gettext's plural rules for the languages Django does not ship (from the CLDR).
PLURAL_FORMS = {
    "ar": (
        "nplurals=6; plural=n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : "
        "n%100>=3 && n%100<=10 ? 3 : n%100>=11 && n%100<=99 ? 4 : 5;"
    ),
    "ckb": "nplurals=2; plural=(n != 1);",
    "fa": "nplurals=2; plural=(n > 1);",
    "so": "nplurals=2; plural=(n != 1);",
    "sv": "nplurals=2; plural=(n != 1);",
    "ti": "nplurals=2; plural=(n > 1);",
    "tr": "nplurals=2; plural=(n != 1);",
}
REVIEW_STATUS = "awaiting native reviewer"


def _owner(message: Message, roots: list[tuple[Path, Any]]) -> Any:
    """The first app (in INSTALLED_APPS order) whose files use ``message``."""
    for root, config in roots:
        for place in message.where.split(", "):
            if place.startswith(str(root)) or place.startswith(config.name + "."):
                return config
    raise CommandError(f"No app owns {message.msgid!r} ({message.where})")


def _relative(place: str, root: Path) -> str:
    """A source file as makemessages names it: relative to the app's folder."""
    path = Path(place)
    return str(path.relative_to(root)) if path.is_absolute() and root in path.parents else place


def _new_catalogue(language: str, app_label: str) -> polib.POFile:
    catalogue = polib.POFile(wrapwidth=0)
    catalogue.header = (
        f"Public interface strings of hedershus.{app_label} in {language}.\n"
        "Drafted by the Hedershus team; every entry awaits a native speaker's review\n"
        "(docs/editors.md, 'Interface translations')."
    )
    catalogue.metadata = {
        "Project-Id-Version": f"hedershus {app_label}",
        "PO-Revision-Date": timezone.now().strftime("%Y-%m-%d %H:%M%z"),
        "Last-Translator": "Hedershus team (draft)",
        "Language-Team": "none yet: awaiting a native reviewer",
        "Language": language,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": PLURAL_FORMS.get(language, "nplurals=2; plural=(n != 1);"),
        "X-Review-Status": REVIEW_STATUS,
    }
    return catalogue


class Command(BaseCommand):
    help = "Adds the public interface strings missing from each language's catalogue (empty, to translate)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--language",
            action="append",
            dest="languages",
            help="A language code (repeatable). Default: every configured language but English.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        configured = [code for code, _name in settings.LANGUAGES if code != SOURCE_LANGUAGE]
        languages = options["languages"] or configured
        unknown = set(languages) - set(configured)
        if unknown:
            raise CommandError(f"Not a configured language: {', '.join(sorted(unknown))}")
        roots = [
            (Path(config.path), config)
            for config in apps.get_app_configs()
            if getattr(config, "public_translation_sources", ())
        ]
        by_app: dict[str, list[Message]] = {}
        for message in public_messages():
            by_app.setdefault(_owner(message, roots).label, []).append(message)
        for root, config in roots:
            for language in languages:
                added = self._update(root, config.label, language, by_app.get(config.label, []))
                if added:
                    self.stdout.write(f"{config.label} {language}: {added} string(s) to translate")

    def _update(self, root: Path, app_label: str, language: str, messages: list[Message]) -> int:
        path = root / "locale" / to_locale(language) / "LC_MESSAGES" / "django.po"
        if path.exists():
            catalogue = polib.pofile(str(path), wrapwidth=0)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            catalogue = _new_catalogue(language, app_label)
        added = 0
        for message in messages:
            if catalogue.find(message.msgid, msgctxt=message.context or None) is not None:
                continue
            entry = polib.POEntry(
                msgid=message.msgid,
                msgctxt=message.context or None,
                msgstr="",
                occurrences=[
                    (_relative(place, root), "")
                    for place in message.where.split(", ")
                    if place.startswith(str(root)) or not place.startswith("/")
                ],
            )
            if message.msgid_plural:
                entry.msgid_plural = message.msgid_plural
                entry.msgstr_plural = {0: "", 1: ""}
                entry.flags.append("python-format")
            elif "%(" in message.msgid:
                entry.flags.append("python-format")
            catalogue.append(entry)
            added += 1
        if added:
            catalogue.save(str(path))
        return added
