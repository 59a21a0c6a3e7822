"""Every string a visitor sees is translated in every configured language (issue 7, item 19).

Django shows the default language (Swedish) for a string a catalogue lacks, so a missing
translation does not fail loudly: under /fa/ the exit button read "Lämna snabbt". These
tests fail instead, for any public string in any configured language.
"""

from __future__ import annotations

import polib  # type: ignore[import-untyped]  # no stubs; a dependency of wagtail-localize
import pytest
from django.conf import settings
from django.utils.translation import to_locale

from hedershus.portal import public_strings
from hedershus.portal.public_strings import Message

CONFIGURED = [code for code, _name in settings.LANGUAGES]
DRAFTED = ["fa", "ckb", "tr", "so", "ti"]  # no native reviewer has checked these yet


@pytest.fixture(scope="module")
def messages() -> list[Message]:
    return public_strings.public_messages()


def test_the_public_strings_include_the_shell_the_cms_pages_and_the_choices(messages):
    ids = {m.msgid for m in messages}
    for expected in (
        "Leave quickly",  # portal/base.html
        "Search the site",  # portal/forms.py
        "Information",  # portal/discreet.py
        "Choose what fits you",  # cms/home_page.html
        "This page has not been translated into your language yet. It is shown in Swedish.",
        "Someone exposed",  # cms.models.Audience
        "Knowledge bank texts",  # cms/forms.py
        "Save to my room",  # rooms/includes/save_page.html
        "Your room code",  # rooms/code.html
        "Your conversation",  # messaging/thread.html
        "I need help now",  # messaging/forms.py
        "Not sent yet. It will be sent when the connection is back.",  # thread.html, for room.js
    ):
        assert expected in ids
    assert "Press Shift %(counter)s more time to leave this site." in ids
    # The staff interface stays Swedish and English: its strings are not public.
    assert "Quick exit destination" not in ids
    assert "Safety settings" not in ids
    assert "peer review task" not in ids
    assert "Absences" not in ids  # messaging/staff/absences.html
    assert "Your reply" not in ids  # messaging/staff_forms.py


@pytest.mark.parametrize("language", CONFIGURED)
def test_every_public_string_is_translated_in_every_configured_language(language, messages):
    missing = public_strings.untranslated(language, messages)
    assert [f"{m.msgid!r} ({m.where})" for m in missing] == []


def test_a_public_string_without_a_translation_is_reported(tmp_path, messages):
    """The control: a string added to a public template and not yet translated is caught."""
    template = tmp_path / "new.html"
    template.write_text(
        '{% load i18n %}<p>{% translate "A brand-new notice for visitors" %}</p>'
        "{% blocktranslate count counter=n %}One new{% plural %}{{ counter }} new{% endblocktranslate %}",
        encoding="utf-8",
    )
    extracted = public_strings._xgettext([template])
    assert [(m.msgid, m.msgid_plural) for m in extracted] == [
        ("A brand-new notice for visitors", ""),
        ("One new", "%(counter)s new"),
    ]
    known = [m for m in messages if m.msgid == "Leave quickly"]
    for language in CONFIGURED:
        if language != public_strings.SOURCE_LANGUAGE:
            assert public_strings.untranslated(language, [*known, *extracted]) == extracted


@pytest.mark.parametrize("language", DRAFTED)
def test_drafted_catalogues_say_they_await_a_native_reviewer(language):
    for app in ("portal", "cms", "rooms", "messaging"):
        folder = settings.BASE_DIR / "hedershus" / app / "locale" / to_locale(language)
        catalogue = polib.pofile(str(folder / "LC_MESSAGES" / "django.po"))
        assert catalogue.metadata["X-Review-Status"] == "awaiting native reviewer"
        assert catalogue.metadata["Language"] == language
        entries = catalogue.translated_entries()
        unmarked = [e.msgid for e in entries if "awaiting native reviewer" not in e.tcomment]
        assert unmarked == []


def test_public_catalogues_adds_nothing_when_every_language_is_complete():
    """``manage.py public_catalogues`` finds each public string in some app's catalogue of
    each language, so on a complete tree it changes no file."""
    from io import StringIO

    from django.core.management import call_command

    locale_dirs = [
        settings.BASE_DIR / "hedershus" / app / "locale" for app in ("portal", "cms", "rooms", "messaging")
    ]
    before = {p: p.stat().st_mtime_ns for d in locale_dirs for p in d.rglob("django.po")}
    out = StringIO()
    call_command("public_catalogues", stdout=out)
    assert out.getvalue() == ""
    assert {p: p.stat().st_mtime_ns for d in locale_dirs for p in d.rglob("django.po")} == before
