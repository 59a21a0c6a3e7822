"""Every record type and every app of the platform has a name of its own, translated.

Pages that list record types take their names from the models: the retention overview
(``/staff/oversight/retention/``: "Gallras med: ärende"), the log review ("Vad: Ärende
2026-0003") and the audit log's object column. A model without ``Meta.verbose_name`` gets a
name Django derives from the class ("case", "follow up"), and an app without
``AppConfig.verbose_name`` its label ("Audit"): English in the Swedish staff interface.
A defect found by a tester. The words are those of docs/glossary.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import polib  # type: ignore[import-untyped]
import pytest
from django.apps import AppConfig, apps
from django.db import models
from django.test.utils import isolate_apps
from django.utils.functional import Promise
from django.utils.text import camel_case_to_spaces
from django.utils.translation import gettext_lazy, override

PACKAGE = Path(__file__).resolve().parents[2]

# Apps left out for now, each with its reason. Remove an app from here once its models name
# themselves; the test then holds it to the rule like every other app.
NOT_YET: dict[str, str] = {}

NAME_OPTIONS = ("verbose_name", "verbose_name_plural")


def _swedish_messages() -> set[str]:
    """The messages (without context) the platform's Swedish catalogues translate."""
    translated: set[str] = set()
    for po_path in PACKAGE.glob("**/locale/sv/LC_MESSAGES/django.po"):
        translated.update(
            entry.msgid for entry in polib.pofile(str(po_path)).translated_entries() if entry.msgstr
        )
    return translated


def _name_problem(owner: str, option: str, value: object, swedish: set[str]) -> str | None:
    """Why ``value``, the name ``owner`` gives itself in ``option``, is not a translated name;
    None when it is. A name must be lazy (``gettext_lazy``: a name translated at import would
    stay in whatever language was active then) and have a Swedish translation in a catalogue
    (or, for a ``pgettext_lazy`` name, read differently in Swedish)."""
    if not isinstance(value, Promise):
        return f"{owner}: {option} is not marked for translation (gettext_lazy)"
    with override("en"):
        english = str(value)
    with override("sv"):
        in_swedish = str(value)
    if english not in swedish and in_swedish == english:
        return f"{owner}: {option} {english!r} has no Swedish translation"
    return None


def unnamed(models_: Iterable[type[models.Model]], configs: Iterable[AppConfig]) -> list[str]:
    """What is missing, one line each: a concrete model of a platform app (``hedershus.*``)
    without ``verbose_name`` and ``verbose_name_plural`` of its own, marked for translation
    and translated into Swedish; likewise an app without its own ``verbose_name``."""
    swedish = _swedish_messages()
    problems: list[str] = []
    for config in configs:
        if not config.name.startswith("hedershus.") or config.label in NOT_YET:
            continue
        if "verbose_name" not in type(config).__dict__:
            problems.append(f"app {config.label}: no verbose_name on its AppConfig")
        elif problem := _name_problem(f"app {config.label}", "verbose_name", config.verbose_name, swedish):
            problems.append(problem)
    for model in models_:
        meta = model._meta
        if not model.__module__.startswith("hedershus.") or meta.app_label in NOT_YET:
            continue
        if meta.abstract or meta.auto_created:
            continue
        for option in NAME_OPTIONS:
            if option not in meta.original_attrs:
                problems.append(f"{meta.label}: no {option} in its Meta")
            elif problem := _name_problem(meta.label, option, meta.original_attrs[option], swedish):
                problems.append(problem)
    return problems


def test_every_model_and_app_of_the_platform_has_a_translated_name() -> None:
    problems = unnamed(apps.get_models(), apps.get_app_configs())
    assert not problems, (
        "Give each a name in its Meta, verbose_name = _(...) and verbose_name_plural = _(...) "
        "(gettext_lazy), translated in the app's Swedish catalogue with the words of "
        "docs/glossary.md, then makemigrations:\n" + "\n".join(problems)
    )


def test_the_check_finds_a_model_without_a_name_and_one_left_in_english() -> None:
    # The control: the check must find what it looks for when it is planted.
    with isolate_apps("hedershus.core"):

        class Unnamed(models.Model):  # noqa: DJ008
            class Meta:
                app_label = "core"

        class Untranslated(models.Model):  # noqa: DJ008
            class Meta:
                app_label = "core"
                verbose_name = gettext_lazy("a record nobody translated")
                verbose_name_plural = "plain strings"

        Unnamed.__module__ = Untranslated.__module__ = "hedershus.core.models"
        problems = unnamed([Unnamed, Untranslated], [])
    assert problems == [
        "core.Unnamed: no verbose_name in its Meta",
        "core.Unnamed: no verbose_name_plural in its Meta",
        "core.Untranslated: verbose_name 'a record nobody translated' has no Swedish translation",
        "core.Untranslated: verbose_name_plural is not marked for translation (gettext_lazy)",
    ]


def test_the_check_finds_an_app_without_a_name() -> None:
    class NamelessConfig(AppConfig):
        pass

    nameless = NamelessConfig("hedershus.core", __import__("hedershus.core"))
    assert unnamed([], [nameless]) == ["app core: no verbose_name on its AppConfig"]


@pytest.mark.django_db
def test_the_retention_overview_names_the_record_types_in_swedish() -> None:
    """The tester's page: no row or parent of a platform app shows the name Django derives
    from the class ("follow up"), and the app groups are named."""
    from hedershus.oversight.selectors import retention_overview

    with override("sv"):
        overview = retention_overview()
    platform = {c.label for c in apps.get_app_configs() if c.name.startswith("hedershus.")} - set(NOT_YET)
    # The names Django would derive for the platform's models ("follow up", "case"); none is
    # also a Swedish name the platform gives.
    derived = {camel_case_to_spaces(m.__name__) for m in apps.get_models() if m._meta.app_label in platform}
    groups = {group.app_label: group for group in overview.groups if group.app_label in platform}
    shown = {
        label: name
        for group in groups.values()
        for row in group.rows
        for label, name in ((row.label, row.name), (f"{row.label} (parent)", row.parent))
        if name
    }
    english = {label: name for label, name in shown.items() if name in derived}
    assert groups, "no platform app on the retention overview"
    assert not english, f"shown with the names Django derives: {english}"
    assert shown["cases.Case"] == "ärende"
    assert shown["messaging.Message (parent)"] == "samtal"
    assert groups["audit"].app_name == "Granskningslogg"
    assert groups["followup"].app_name == "Uppföljning"
