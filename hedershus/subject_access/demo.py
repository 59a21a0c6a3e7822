"""Demo data for data-subject requests (``manage.py demo_subject_access``, after
``demo_cases``): the exposed girl of the demo family case, "Nour", and her father, "Pappan", get
made-up names and identity numbers, and the case a signed journal entry that names the father.
A request for Nour's number then finds her, and her extract withholds her father's entry.

The numbers are Luhn-valid but made up (serial numbers in the 98x range, as Skatteverket's
test numbers use); the names are invented. Through the services, so the audit log shows it."""

from __future__ import annotations

from dataclasses import dataclass

from hedershus.accounts.demo import DEMO_EMAIL_DOMAIN
from hedershus.accounts.models import User
from hedershus.cases import services as case_services
from hedershus.cases.models import CaseAssignment, Person
from hedershus.journal import services as journal_services

DEMO_SUBJECT_NUMBER = "20090312-9823"
DEMO_SUBJECT_NAME = "Nour Exempelsdotter"
DEMO_RELATIVE_NUMBER = "19750604-9811"
DEMO_RELATIVE_NAME = "Karim Exempelsson"
DEMO_JOURNAL_TEXT = (
    "Samtal med Nour i skolan. Hon berättar att pappan kontrollerar hennes telefon. "
    "Nästa steg: stödsamtal och kontakt med socialtjänsten."
)


@dataclass(frozen=True)
class DemoSubjectReport:
    identified: int
    reason: str = ""


def demo_subject_person() -> Person | None:
    """Nour of the demo family case: the first "Nour" in a case of the demo counsellor (other
    cases, a browser test's for one, may have a person of that alias too)."""
    case_ids = CaseAssignment.objects.filter(user__email=f"counsellor@{DEMO_EMAIL_DOMAIN}").values("case_id")
    return Person.objects.filter(case_id__in=case_ids, alias="Nour").order_by("id").first()


def demo_subject_access_load() -> DemoSubjectReport:
    """Identifies Nour and her father in the demo counsellor's family case (see the module).
    Does nothing when the demo cases are missing or Nour already has a number."""
    counsellor = User.objects.filter(email=f"counsellor@{DEMO_EMAIL_DOMAIN}").first()
    if counsellor is None:
        return DemoSubjectReport(0, "no demo accounts: run demo_setup and demo_cases first")
    nour = demo_subject_person()
    father = (
        Person.objects.filter(case_id=nour.case_id, alias="Pappan").order_by("id").first() if nour else None
    )
    if nour is None or father is None:
        return DemoSubjectReport(0, "no demo family case: run demo_cases first")
    if nour.identity_number_encrypted:
        return DemoSubjectReport(0, "Nour is identified already")
    for person, name, number in (
        (nour, DEMO_SUBJECT_NAME, DEMO_SUBJECT_NUMBER),
        (father, DEMO_RELATIVE_NAME, DEMO_RELATIVE_NUMBER),
    ):
        case_services.person_identify(
            actor=counsellor, case_id=person.case_id, person_id=person.pk, name=name, identity_number=number
        )
    case = nour.case
    draft = journal_services.entry_draft_create(user=counsellor, case=case, text=DEMO_JOURNAL_TEXT)
    journal_services.entry_sign(user=counsellor, case=case, entry_id=draft.pk)
    return DemoSubjectReport(2)
