"""The strings visitors see, and whether every configured language translates them (R4).

An app with public pages declares on its ``AppConfig``:

- ``public_translation_sources``: globs, relative to the app's folder, of the templates and
  Python modules whose every translatable string a visitor may see (staff templates and
  modules stay out: the staff interface speaks Swedish and English only);
- ``public_translation_choices``: dotted paths of ``TextChoices`` whose labels visitors see
  (for models whose other strings are the staff's).

``public_messages()`` extracts those strings the way ``makemessages`` does (templates through
Django's ``templatize``, then GNU ``xgettext``), and ``untranslated(language)`` lists those
without a translation in the compiled catalogues of the project's own apps for that
language. A test runs it for every configured language, so a new public string without a
translation fails the suite instead of showing Swedish under ``/fa/`` (Django falls back to
the default language for a missing string).
"""

from __future__ import annotations

import gettext
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import polib  # type: ignore[import-untyped]  # no stubs; a dependency of wagtail-localize
from django.apps import apps
from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import to_locale
from django.utils.translation.template import templatize

SOURCE_LANGUAGE = "en"
# The keywords makemessages gives xgettext (django/core/management/commands/makemessages.py).
XGETTEXT_KEYWORDS = [
    "gettext_noop",
    "gettext_lazy",
    "ngettext_lazy:1,2",
    "pgettext:1c,2",
    "npgettext:1c,2,3",
    "pgettext_lazy:1c,2",
    "npgettext_lazy:1c,2,3",
]


@dataclass(frozen=True, order=True)
class Message:
    msgid: str
    msgid_plural: str = ""
    context: str = ""
    where: str = ""

    @property
    def key(self) -> str:
        """The catalogue key of the singular form (gettext joins a context with EOT)."""
        return f"{self.context}\x04{self.msgid}" if self.context else self.msgid


def public_source_files() -> list[Path]:
    """Every file declared public by an installed app, in a stable order."""
    files: set[Path] = set()
    for config in apps.get_app_configs():
        for pattern in getattr(config, "public_translation_sources", ()):
            files.update(p for p in Path(config.path).glob(pattern) if p.is_file())
    return sorted(files)


def _xgettext(files: Iterable[Path]) -> list[Message]:
    xgettext = shutil.which("xgettext")
    if xgettext is None:
        raise RuntimeError("GNU gettext's xgettext is needed (apt-get install gettext)")
    messages: list[Message] = []
    with tempfile.TemporaryDirectory() as tmp:
        inputs = []
        for index, path in enumerate(files):
            source = path.read_text(encoding="utf-8")
            # Templates become Python-like code for xgettext, exactly as makemessages does it.
            if path.suffix != ".py":
                source = templatize(source, origin=str(path))
            target = Path(tmp) / f"{index}.py"
            target.write_text(source, encoding="utf-8")
            inputs.append((target, path))
        if not inputs:
            return []
        pot = Path(tmp) / "public.pot"
        subprocess.run(  # noqa: S603 - xgettext on the project's own files, no shell
            [
                xgettext,
                "--language=Python",
                "--from-code=UTF-8",
                "--no-wrap",
                *(f"--keyword={k}" for k in XGETTEXT_KEYWORDS),
                f"--output={pot}",
                *(str(target) for target, _path in inputs),
            ],
            check=True,
            capture_output=True,
        )
        if not pot.exists():  # xgettext writes nothing when it finds nothing
            return []
        names = {target.name: str(path) for target, path in inputs}
        for entry in polib.pofile(str(pot)):
            where = ", ".join(names.get(Path(ref).name, ref) for ref, _line in entry.occurrences)
            messages.append(Message(entry.msgid, entry.msgid_plural, entry.msgctxt or "", where))
    return messages


def _choice_messages() -> list[Message]:
    messages = []
    for config in apps.get_app_configs():
        for dotted in getattr(config, "public_translation_choices", ()):
            for label in import_string(dotted).labels:
                # gettext_lazy's proxy keeps the message it will translate as its first argument.
                msgid = label._args[0] if hasattr(label, "_args") else str(label)
                messages.append(Message(msgid, where=dotted))
    return messages


def public_messages() -> list[Message]:
    """Every string a visitor may see, once each (by message id, plural and context)."""
    unique: dict[tuple[str, str, str], Message] = {}
    for message in [*_xgettext(public_source_files()), *_choice_messages()]:
        unique.setdefault((message.msgid, message.msgid_plural, message.context), message)
    return sorted(unique.values())


def _catalogue_dirs() -> list[Path]:
    """The project's own catalogues: each app's ``locale/`` and ``LOCALE_PATHS``.

    Third-party catalogues (Django's, Wagtail's) are left out on purpose: they may happen to
    hold the same English words, and do not exist at all for some languages (so, ti).
    """
    package = __name__.split(".")[0] + "."  # the project's apps: hedershus.*
    dirs = [Path(c.path) / "locale" for c in apps.get_app_configs() if c.name.startswith(package)]
    return [*dirs, *(Path(p) for p in settings.LOCALE_PATHS)]


def compiled_catalogue(language: str) -> dict[object, str]:
    """The project's compiled (``.mo``) translations for ``language``, merged."""
    merged: dict[object, str] = {}
    for directory in _catalogue_dirs():
        try:
            found = gettext.translation("django", str(directory), [to_locale(language)])
        except OSError:
            continue
        merged.update(found._catalog)  # type: ignore[attr-defined]
    return merged


def untranslated(language: str, messages: Iterable[Message] | None = None) -> list[Message]:
    """The public messages that ``language``'s compiled catalogues do not translate."""
    if language == SOURCE_LANGUAGE:
        return []
    catalogue = compiled_catalogue(language)
    missing = []
    for message in public_messages() if messages is None else messages:
        if message.msgid_plural:
            translated = bool(catalogue.get((message.key, 0))) and bool(catalogue.get((message.key, 1)))
        else:
            translated = bool(catalogue.get(message.key))
        if not translated:
            missing.append(message)
    return missing
