"""The forms of the room pages. Every field a visitor types has autocomplete off and no
spell-checking (``portal.forms.PRIVATE_INPUT``): a browser must not remember a code, a
passphrase or a note, nor send it to a spelling service. All of them are sent by POST."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hedershus.portal.forms import PRIVATE_INPUT
from hedershus.rooms import codes
from hedershus.rooms.services import NOTE_MAX_CHARACTERS, PASSPHRASE_MAX_CHARACTERS, PASSPHRASE_MIN_CHARACTERS

# Chromium ignores autocomplete="off" on a password field and keeps a "sign-in" in its password
# manager's Login Data, the room code typed beside it as the user name, even when nobody saves
# it (found by e2e/test_room_journey.py reading a closed profile). "one-time-code" is the one
# value that keeps both the password manager and autofill from recording the form.
_PASSPHRASE_WIDGET = forms.PasswordInput(
    attrs={**PRIVATE_INPUT, "autocomplete": "one-time-code", "maxlength": PASSPHRASE_MAX_CHARACTERS}
)


class _RoomForm(forms.Form):
    """Labels without Django's trailing colon: a label is read out as it is written."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class _PassphrasePair(_RoomForm):
    """A passphrase typed twice, so a typo does not lock the visitor out of their room."""

    passphrase_required = False
    passphrase = forms.CharField(
        label=_("Passphrase"),
        required=False,
        strip=False,
        min_length=PASSPHRASE_MIN_CHARACTERS,
        max_length=PASSPHRASE_MAX_CHARACTERS,
        widget=_PASSPHRASE_WIDGET,
    )
    passphrase_confirm = forms.CharField(
        label=_("The same passphrase again"), required=False, strip=False, widget=_PASSPHRASE_WIDGET
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first = cleaned.get("passphrase") or ""
        if self.passphrase_required and not first and "passphrase" not in self.errors:
            self.add_error("passphrase", _("Type a passphrase."))
        if first and first != (cleaned.get("passphrase_confirm") or ""):
            self.add_error("passphrase_confirm", _("The two passphrases are not the same. Type them again."))
        return cleaned


class OpenRoomForm(_PassphrasePair):
    """Opening a room: nothing but an optional passphrase."""


class PassphraseForm(_PassphrasePair):
    """Setting or changing the passphrase of the room the visitor is in. With
    ``has_passphrase`` (the room has one) the current passphrase is asked for first
    (``services.room_passphrase_set`` checks it); without, that field is not there."""

    passphrase_required = True
    current = forms.CharField(
        label=_("Your current passphrase"),
        strip=False,
        max_length=PASSPHRASE_MAX_CHARACTERS,
        widget=_PASSPHRASE_WIDGET,
    )
    field_order = ["current", "passphrase", "passphrase_confirm"]

    def __init__(self, *args: Any, has_passphrase: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not has_passphrase:
            del self.fields["current"]


class EnterRoomForm(_RoomForm):
    code = forms.CharField(
        label=_("Room code"),
        max_length=64,
        help_text=_(
            "16 letters and digits, like 7K2M-QX9D-0AB1-ZZ34. Dashes, spaces and small letters do not matter."
        ),
        widget=forms.TextInput(attrs={**PRIVATE_INPUT, "autocapitalize": "characters"}),
    )
    passphrase = forms.CharField(
        label=_("Passphrase (if you chose one)"),
        required=False,
        strip=False,
        max_length=PASSPHRASE_MAX_CHARACTERS,
        widget=_PASSPHRASE_WIDGET,
    )

    def clean_code(self) -> str:
        typed: str = self.cleaned_data["code"]
        if codes.normalise_code(typed) is None:
            raise forms.ValidationError(
                _("A room code has 16 letters and digits (no U). Check what you wrote down."),
                code="shape",
            )
        return typed


class NoteForm(_RoomForm):
    text = forms.CharField(
        label=_("Note"),
        max_length=NOTE_MAX_CHARACTERS,
        widget=forms.Textarea(attrs={**PRIVATE_INPUT, "rows": 6}),
    )

    def cut_for_display(self) -> None:
        """After a failed ``is_valid()``: the text shown back in the field is cut to
        ``NOTE_MAX_CHARACTERS``, so a refused note of megabytes is not sent back whole
        (tester's report on issue 9); the field's error says how long it was."""
        text = self.data.get("text")
        if isinstance(text, str) and len(text) > NOTE_MAX_CHARACTERS:
            # A plain dict of the last value of each field (a QueryDict's item access).
            self.data = {**self.data, "text": text[:NOTE_MAX_CHARACTERS]}


class SavePageForm(forms.Form):
    page = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
