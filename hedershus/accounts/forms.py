from __future__ import annotations

from typing import Any

from allauth.mfa.base import forms as mfa_forms
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, validate_totp_code
from allauth.mfa.utils import decrypt
from allauth.mfa.webauthn import forms as webauthn_forms
from django import forms
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from hedershus.accounts.mfa_throttle import SignInDelayMixin
from hedershus.accounts.models import User
from hedershus.core.access import PRIVILEGED_ROLES, Role


class _NeverRedisplayedInput(forms.TextInput):
    """A text box that is always empty when the form comes back: an identity number is never
    shown again, not even on a form with an error (issue 13 item 5, round 2)."""

    def format_value(self, value: Any) -> str | None:
        return None


class UserCreateForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)

    def __init__(self, *args: object, eid: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if eid:
            _add_eid_fields(self, recordable=True, removable=False, new_account=True)

    def clean_eid_identity_number(self) -> str:
        """The number in twelve digits (SKV 704), or ""; refused if another active account holds it."""
        return _clean_identity_number(self.cleaned_data.get("eid_identity_number", ""), user=None)

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        _refuse_number_for_privileged_role(self, cleaned)
        return cleaned

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("There is already an account with this e-mail address."))
        return email


class UserUpdateForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    is_active = forms.BooleanField(label=_("Active (may sign in)"), required=False)

    def __init__(
        self,
        *args: object,
        editing_self: bool = False,
        eid: bool = False,
        eid_recordable: bool = False,
        eid_removable: bool = True,
        eid_user: User | None = None,
        **kwargs: object,
    ) -> None:
        """``eid``: e-ID sign-in is configured; ``eid_recordable``: an administrator may record
        a number on this account (``selectors.eid_identity_recordable_by_administrator``),
        otherwise the number field is left out; ``eid_removable``: the account holds a number
        (the box that removes it); ``eid_user``: the account edited (a number another active
        account holds is refused)."""
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.eid_user = eid_user
        if editing_self:
            # An administrator cannot lock themselves out or lift their own role.
            self.fields["role"].disabled = True
            self.fields["is_active"].disabled = True
        if eid:
            _add_eid_fields(self, recordable=eid_recordable, removable=eid_removable)

    def clean_eid_identity_number(self) -> str:
        """The number in twelve digits (SKV 704), or ""; refused if another active account holds it."""
        return _clean_identity_number(self.cleaned_data.get("eid_identity_number", ""), user=self.eid_user)

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        if cleaned.get("eid_remove") and cleaned.get("eid_identity_number"):
            raise forms.ValidationError(_("Either record a new number or remove the e-ID, not both."))
        _refuse_number_for_privileged_role(self, cleaned)
        return cleaned


def _refuse_number_for_privileged_role(form: forms.Form, cleaned: dict[str, Any]) -> None:
    """A number for an account given the role of administrator or auditor is refused on the
    field: such a person links their e-ID themselves (``services.user_eid_identity_set``)."""
    if cleaned.get("eid_identity_number") and cleaned.get("role") in PRIVILEGED_ROLES:
        form.add_error(
            "eid_identity_number",
            _(
                "Administrators and auditors link their e-ID themselves, signed in, from their "
                "security page. Leave this empty."
            ),
        )


def _add_eid_fields(
    form: forms.Form, *, recordable: bool, removable: bool, new_account: bool = False
) -> None:
    """The personal identity number for e-ID sign-in (issue 13, item 5), only while
    EID_OIDC_SERVER_URL configures it and only where an administrator may record one
    (``recordable``: a new account, never used, not privileged; the page says why otherwise);
    ``removable`` adds the box that removes the e-ID; ``new_account``: the account is being
    created, so nothing is recorded yet (the help text says so)."""
    if recordable:
        help_text = (
            _(
                "Only for a new account that is not an administrator's or auditor's. Twelve "
                "digits, YYYYMMDDNNNN. Kept only as a keyed hash, never shown again. The "
                "person's first e-ID sign-in with this number links the e-ID to the account. "
                "Leave empty to let the person link their e-ID themselves once signed in."
            )
            if new_account
            else _(
                "Only for a new account that is not an administrator's or auditor's. Twelve "
                "digits, YYYYMMDDNNNN. Kept only as a keyed hash, never shown again. The "
                "person's first e-ID sign-in with this number links the e-ID to the account. "
                "Leave empty to keep what is recorded, or to let the person link their e-ID "
                "themselves once signed in."
            )
        )
        form.fields["eid_identity_number"] = forms.CharField(
            label=_("Personal identity number for e-ID sign-in"),
            required=False,
            max_length=20,
            help_text=help_text,
            widget=_NeverRedisplayedInput,
        )
        form.fields["eid_identity_number"].widget.attrs.update(
            {"autocomplete": "off", "inputmode": "numeric"}
        )
    if removable:
        form.fields["eid_remove"] = forms.BooleanField(
            label=_("Remove the e-ID (the recorded number and any linked e-ID)"), required=False
        )


def _clean_identity_number(raw: str, *, user: User | None) -> str:
    """``raw`` in twelve digits if it is a valid personal identity or coordination number
    (``core.identity_numbers``: a real date and the SKV 704 check digit), "" if empty;
    ValidationError otherwise, and when an active account other than ``user`` holds it
    (``services.EID_IDENTITY_TAKEN``; the number is not echoed back)."""
    from hedershus.accounts.selectors import eid_identity_held_by_another
    from hedershus.accounts.services import EID_IDENTITY_TAKEN
    from hedershus.core.identity_numbers import identity_number_normalise

    raw = raw.strip()
    if not raw:
        return ""
    number = identity_number_normalise(raw)
    if number is None:
        raise forms.ValidationError(
            _("This is not a valid personal identity or coordination number. Check the digits.")
        )
    if eid_identity_held_by_another(number, user=user):
        raise forms.ValidationError(EID_IDENTITY_TAKEN, code="eid_identity_taken")
    return number


def _is_spent_totp_code(user: User, code: str) -> bool:
    """Whether ``code`` is the right TOTP code for now, but was already used once.

    allauth accepts a TOTP code once (it marks it used in the shared cache) and answers a
    second use "Incorrect code", which sends a person who typed it right to check their
    phone's clock instead of waiting for the next code.
    """
    for authenticator in Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP):
        secret = decrypt(authenticator.data["secret"])
        if validate_totp_code(secret, code) and cache.get(TOTP(authenticator)._get_used_cache_key(code)):
            return True
    return False


CODE_ALREADY_USED = _(
    "This code has already been used. Wait until your app shows the next code (a new one comes "
    "every 30 seconds) and enter that one."
)


class _SpentCodeMessageMixin:
    """Says that a code was already used rather than that it was wrong (issue 7, item 7)."""

    user: User
    cleaned_data: dict[str, Any]

    def clean_code(self) -> str:
        try:
            return super().clean_code()  # type: ignore[misc]
        except forms.ValidationError as error:
            code = self.cleaned_data.get("code", "")
            if getattr(error, "code", None) == "incorrect_code" and _is_spent_totp_code(self.user, code):
                raise forms.ValidationError(CODE_ALREADY_USED, code="code_already_used") from error
            raise


class AuthenticateForm(SignInDelayMixin, _SpentCodeMessageMixin, mfa_forms.AuthenticateForm):
    """The second step of signing in (``MFA_FORMS["authenticate"]``)."""


class ReauthenticateForm(SignInDelayMixin, _SpentCodeMessageMixin, mfa_forms.ReauthenticateForm):
    """A code asked for again before a sensitive action (``MFA_FORMS["reauthenticate"]``)."""


class AddWebAuthnForm(webauthn_forms.AddWebAuthnForm):
    """allauth's form to add a passkey, with a label for its name field: allauth gives none, so
    Django showed the field's English name ("Name") on the Swedish page."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].label = _("Name of the key")
        self.fields["name"].help_text = _("So that you know it again, e.g. “My phone”.")


class EditWebAuthnForm(webauthn_forms.EditWebAuthnForm):
    """allauth's form to rename a passkey, with a translated label (see AddWebAuthnForm)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].label = _("Name of the key")
