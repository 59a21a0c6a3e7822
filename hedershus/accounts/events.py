"""Audit event types of e-ID sign-in (issue 13, item 5), registered in ``AccountsConfig.ready``.
Their data carry ids, reasons and flags only: never the identity number, the provider's
subject (``sub``) or a name."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

EID_EVENT_TYPES: dict[str, Promise] = {
    "auth.eid_verified": _("E-ID accepted at sign-in or re-authentication"),
    "auth.eid_refused": _("e-ID sign-in refused"),
    "user.eid_linked": _(
        "e-ID linked to the account (data: how, at its first sign-in or by the holder, signed in)"
    ),
    "user.eid_identity_recorded": _("Personal identity number for e-ID recorded by an administrator"),
    "user.eid_identity_removed": _(
        "Personal identity number for e-ID removed by an administrator, by its holder, or by a "
        "role change to administrator or auditor"
    ),
    "user.sessions_ended": _("Every session of the account ended (its e-ID changed)"),
}
