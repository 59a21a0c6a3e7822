"""The visitor's search form: a term and optional filters, sent by POST (R2, R12)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hedershus.cms.choices import Audience, PageType, Topic
from hedershus.portal.forms import SearchForm


def _with_any(choices: Any, label: Any) -> list[tuple[str, Any]]:
    return [("", label), *choices]


class PortalSearchForm(SearchForm):
    """The shell's search field, with the knowledge bank's filters."""

    audience = forms.ChoiceField(
        label=_("Written for"), required=False, choices=_with_any(Audience.choices, _("Everyone"))
    )
    topic = forms.ChoiceField(
        label=_("Topic"), required=False, choices=_with_any(Topic.choices, _("All topics"))
    )
    type = forms.ChoiceField(
        label=_("Kind of page"), required=False, choices=_with_any(PageType.choices, _("All pages"))
    )
    page = forms.IntegerField(required=False, min_value=1, max_value=1000, widget=forms.HiddenInput)
