"""The back-off at the second-factor step (issue 7, item 3a).

allauth checks a code in ``clean_code`` of its authenticate and re-authenticate forms; the
mixin runs that check only outside a delay and under the address's lock, so five wrong
codes stop every pending sign-in of the account (this one included) from accepting even
the right code until the delay has passed. Passkeys (WebAuthn) are not delayed: an
assertion cannot be guessed, and it is how a person gets in while a stranger keeps their
password sign-in delayed (docs/threat-model.md).
"""

from __future__ import annotations

from typing import Any

from django import forms

from hedershus.accounts import services, throttle
from hedershus.accounts.models import User


class SignInDelayMixin:
    """Put first in the bases of a form with allauth's ``clean_code`` (``MFA_FORMS``)."""

    user: User

    def clean_code(self) -> Any:
        address = throttle.normalise_address(self.user.email)
        with throttle.serialised(address):
            services.sign_in_refuse_if_delayed(address, user=self.user)
            if not self.user.is_active or self.user.is_locked():
                # Deactivated or locked by an administrator after the password step.
                services.login_blocked_record(self.user)
                raise forms.ValidationError(throttle.ACCOUNT_UNAVAILABLE, code="account_unavailable")
            return super().clean_code()  # type: ignore[misc]
