"""What a case keeps and how long (R22; ``hedershus.core.retention``): a closed case is culled
``CASE_RETENTION_YEARS`` after its last entry (job ``cases``, ``hedershus/cases/retention.py``),
with everything recorded in it; the apps written on a case declare their records as going
with it."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from hedershus.cases.retention import cases_due
from hedershus.core.retention import PeriodUnit, RetentionDeclaration, after, declare_retention


def register() -> None:
    """Declares the cases app's record types (from ``CasesConfig.ready``)."""
    case = "cases.Case"
    declare_retention(
        RetentionDeclaration(
            model=case,
            personal_data=True,
            rule=after(
                "CASE_RETENTION_YEARS",
                PeriodUnit.YEARS,
                _("the case's last entry, once it is closed (an open case is kept)"),
            ),
            settings=("CASE_RETENTION_YEARS",),
            job="cases",
            due=cases_due,
        ),
        RetentionDeclaration(model="cases.CaseAssignment", personal_data=True, parent=case),
        RetentionDeclaration(model="cases.CaseAccessGrant", personal_data=True, parent=case),
        RetentionDeclaration(model="cases.Contact", personal_data=True, parent=case),
        RetentionDeclaration(model="cases.CaseProblemType", personal_data=True, parent=case),
        RetentionDeclaration(model="cases.Flag", personal_data=True, parent=case),
        RetentionDeclaration(model="cases.Decision", personal_data=True, parent=case),
        RetentionDeclaration(model="cases.Person", personal_data=True, parent=case),
        RetentionDeclaration(model="cases.PersonRelation", personal_data=True, parent="cases.Person"),
        RetentionDeclaration(
            model="cases.CaseSequence",
            personal_data=False,
            kept_because=_(
                "The last case number given each year (a counter, no person); kept so numbers never repeat."
            ),
        ),
        RetentionDeclaration(
            model="cases.ProblemType",
            personal_data=False,
            kept_because=_("The list of problem types names nobody; kept while it is in use."),
        ),
    )
