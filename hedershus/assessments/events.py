"""The assessments app's audit event types (registered from ``AssessmentsConfig.ready``).

Events name the case, the assessment and the instrument's key and version; never an answer,
a note, a score or a level (those are about a person and live encrypted in the assessment).
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ASSESSMENT_EVENT_TYPES: dict[str, Promise] = {
    "assessment.completed": _("Assessment completed on a case"),
    "assessment.viewed": _("Assessment result viewed"),
    "assessment.list_viewed": _("Assessments of a case listed"),
    "assessment.instrument_loaded": _("Assessment instrument version loaded"),
}
