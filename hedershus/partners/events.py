"""The partner register's audit event types (registered from ``PartnersConfig.ready``).

Events carry ids, field names and counts; never a person's name or e-mail address.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

PARTNERS_EVENT_TYPES: dict[str, Promise] = {
    "partners.organisation_created": _("Partner organisation added"),
    "partners.organisation_updated": _("Partner organisation changed"),
    "partners.unit_created": _("Partner unit added"),
    "partners.unit_updated": _("Partner unit changed"),
    "partners.capacity_set": _("Partner unit's free places set"),
    "partners.imported": _("Partner register imported from a file"),
    "partners.directory_published": _("Partner register sent to the help directory"),
    "partners.professional_added": _("Partner professional added to a unit"),
    "partners.professional_removed": _("Partner professional removed from a unit"),
    "partners.invite_refused": _("Unit administrator's invitation refused"),
}
