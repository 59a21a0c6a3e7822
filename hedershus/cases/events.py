"""The cases app's audit event types (registered from ``CasesConfig.ready``).

Events carry ids, choice values and counts in ``data``; never a note, a flag's message, a
decision's reason, a name or an identity number. The one free text in the log is the reason
a colleague gives to open a case they are outside of (R20: the reason must be recorded), in
the event's ``reason``.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

CASE_EVENT_TYPES: dict[str, Promise] = {
    "case.opened": _("Case opened"),
    "case.viewed": _("Case page viewed"),
    "case.listed": _("Case list or search viewed"),
    "case.opened_with_reason": _("Case opened by a colleague outside it, with a reason"),
    "case.status_changed": _("Case status changed"),
    "case.urgency_changed": _("Case urgency changed"),
    "case.assigned": _("Staff member assigned to a case"),
    "case.unassigned": _("Staff member removed from a case"),
    "case.supervisor_changed": _("Case supervisor changed"),
    "case.protected_identity_changed": _("Case protected identity changed"),
    "case.contact_added": _("Contact added to a case"),
    "case.person_added": _("Person added to a case"),
    "case.person_identified": _("Person's identity recorded"),
    "case.relation_added": _("Relation between persons added"),
    "case.problem_types_changed": _("Case problem types changed"),
    "case.flag_raised": _("Flag raised on a case"),
    "case.flag_lifted": _("Flag lifted on a case"),
    "case.decision_recorded": _("Holistic decision recorded"),
    "case.problem_type_created": _("Problem type added to the list"),
}
