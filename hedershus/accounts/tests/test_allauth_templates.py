"""Every allauth page the platform offers compiles: a template that loads a tag library from
an app that is not installed fails only when someone opens that page (the passkey list did,
with ``{% load humanize %}``, found by e2e/test_passkeys.py)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import allauth
import pytest
from django.template.loader import get_template

ALLAUTH_TEMPLATES = Path(allauth.__file__).parent / "templates"
# The allauth parts the platform uses (settings.INSTALLED_APPS): accounts and MFA. Social
# accounts, user sessions and the headless API are not installed, so their pages never open.
OFFERED = ("account", "mfa", "allauth")


def _offered_templates() -> list[str]:
    return sorted(
        str(path.relative_to(ALLAUTH_TEMPLATES))
        for folder in OFFERED
        for path in (ALLAUTH_TEMPLATES / folder).rglob("*.html")
    )


def test_allauth_ships_the_templates_this_test_reads() -> None:
    assert len(_offered_templates()) > 50


@pytest.mark.parametrize("name", _offered_templates())
def test_every_offered_allauth_template_compiles(name: str) -> None:
    get_template(name)  # raises TemplateSyntaxError for an unknown tag library or tag


def test_the_passkey_forms_name_field_has_a_swedish_label(counsellor: object) -> None:
    """allauth gives the passkey's name field no label: Django then shows "Name" in English."""
    from django.utils import translation

    from hedershus.accounts.forms import AddWebAuthnForm, EditWebAuthnForm

    with translation.override("sv"):
        add = AddWebAuthnForm(user=counsellor)
        assert str(add.fields["name"].label) == "Nyckelns namn"
        key = SimpleNamespace(wrap=lambda: SimpleNamespace(name="My phone"))
        assert str(EditWebAuthnForm(instance=key).fields["name"].label) == "Nyckelns namn"
