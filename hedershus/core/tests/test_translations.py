"""The compiled catalogues ship in the repository (no gettext needed to run the platform):
they must match their sources, and Swedish, the first language, must be complete."""

from __future__ import annotations

from pathlib import Path

import polib  # type: ignore[import-untyped]
import pytest

PACKAGE = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(PACKAGE.glob("**/locale/*/LC_MESSAGES/django.po"))


def test_there_are_catalogues():
    assert any(path.parts[-3] == "sv" for path in CATALOGUES)


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_compiled_catalogue_matches_its_source(po_path: Path):
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"run compilemessages: {mo_path} is missing"
    source = {
        (e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural
        for e in polib.pofile(str(po_path)).translated_entries()
    }
    compiled = {
        (e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural for e in polib.mofile(str(mo_path)) if e.msgid
    }
    assert compiled == source, f"{mo_path} is stale: run compilemessages"


@pytest.mark.parametrize(
    "po_path", [p for p in CATALOGUES if p.parts[-3] == "sv"], ids=lambda p: str(p.relative_to(PACKAGE))
)
def test_swedish_is_complete(po_path: Path):
    catalogue = polib.pofile(str(po_path))
    missing = [entry.msgid for entry in catalogue.untranslated_entries() + catalogue.fuzzy_entries()]
    assert not missing, f"untranslated in {po_path}: {missing[:10]}"


@pytest.mark.parametrize("language", sorted({p.parts[-3] for p in CATALOGUES}))
def test_one_message_has_one_translation_across_catalogues(language: str):
    """Django merges every app's catalogue into one: a message translated differently in two
    apps shows whichever catalogue comes first everywhere, e.g. a referral "Withdrawn" in the
    neuter of a withdrawn document. Same words with another meaning need a context
    (``pgettext``, ``{% translate "…" context "…" %}``); the same meaning needs one wording."""
    seen: dict[tuple[str | None, str], dict[str, str]] = {}
    for po_path in (p for p in CATALOGUES if p.parts[-3] == language):
        app = str(po_path.relative_to(PACKAGE).parts[0])
        for entry in polib.pofile(str(po_path)).translated_entries():
            if entry.msgstr:
                seen.setdefault((entry.msgctxt, entry.msgid), {})[app] = entry.msgstr
    differing = {key: by_app for key, by_app in seen.items() if len(set(by_app.values())) > 1}
    assert not differing, f"translated differently in {len(differing)} cases: {differing}"
