"""The demo family case (hedershus.cases.demo and this app's demo): Nour, identified, with her
father identified too, in a case of the demo counsellor supervised by the demo supervisor."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from hedershus.accounts.demo import DEMO_ACCOUNTS, DEMO_EMAIL_DOMAIN, DEMO_TOTP_SECRET
from hedershus.accounts.models import User
from hedershus.accounts.services import users_create_demo
from hedershus.cases.demo import demo_cases_load
from hedershus.cases.models import Person
from hedershus.subject_access.demo import demo_subject_access_load


@dataclass(frozen=True)
class Family:
    counsellor: Any
    supervisor: Any
    nour: Person
    father: Person


@pytest.fixture
def family(db: Any) -> Family:
    users_create_demo(DEMO_ACCOUNTS, DEMO_TOTP_SECRET)
    demo_cases_load()
    assert demo_subject_access_load().identified == 2
    nour = Person.objects.get(alias="Nour")
    return Family(
        counsellor=User.objects.get(email=f"counsellor@{DEMO_EMAIL_DOMAIN}"),
        supervisor=User.objects.get(email=f"supervisor@{DEMO_EMAIL_DOMAIN}"),
        nour=nour,
        father=Person.objects.get(case=nour.case, alias="Pappan"),
    )
