"""Site-wide safety settings that administrators choose."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

# A busy, everyday public site: landing there raises no questions on a watched phone.
DEFAULT_QUICK_EXIT_URL = "https://www.smhi.se/"


def validate_quick_exit_url(value: str) -> None:
    """The quick exit leads to another site, over https, with nothing secret in the address."""
    parts = urlsplit(value)
    if parts.scheme != "https" or not parts.hostname:
        raise ValidationError(
            _("Enter a full address that starts with https://, for example https://www.smhi.se/."),
            code="https_required",
        )
    if parts.username or parts.password:
        raise ValidationError(
            _("The address must not contain a user name or a password."), code="credentials"
        )
    own_hosts = {host.lower().lstrip(".") for host in settings.ALLOWED_HOSTS if host != "*"}
    if parts.hostname.lower() in own_hosts:
        raise ValidationError(
            _("The quick exit must lead away from this site: choose another site's address."),
            code="own_site",
        )


class SafetySettings(models.Model):
    """One row (pk 1). Until an administrator saves it, the defaults apply."""

    SINGLETON_PK = 1

    quick_exit_url = models.URLField(
        _("quick exit destination"),
        max_length=500,
        default=DEFAULT_QUICK_EXIT_URL,
        validators=[validate_quick_exit_url],
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("safety settings")
        verbose_name_plural = _("safety settings")
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="portal_safetysettings_singleton")
        ]

    def __str__(self) -> str:
        return str(_("Safety settings"))
