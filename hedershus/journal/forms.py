"""The journal's forms: one text field; the rules are the services' (``entry_text_clean``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from hedershus.journal.services import TEXT_MAX_CHARS


class EntryForm(forms.Form):
    """The text of a draft or a correction. Length is checked by the service, with a
    message; the field's own limit is a little above it so the browser does not cut a pasted
    text silently before the person learns it is too long."""

    text = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 12}),
        max_length=TEXT_MAX_CHARS * 2,
        help_text=_(
            "Saved as a draft that only you can see. It becomes part of the journal when you sign it."
        ),
        strip=False,
    )
    # The draft's version the page showed (services.draft_version); empty for a new entry.
    version = forms.CharField(widget=forms.HiddenInput, required=False)
    # Picked when a new entry's page is shown, so the same post sent twice stores one draft.
    client_id = forms.UUIDField(widget=forms.HiddenInput, required=False)


class ConfirmForm(forms.Form):
    """A confirmation (signing, deleting): the draft's version the page showed, and the button."""

    version = forms.CharField(widget=forms.HiddenInput, required=False)
