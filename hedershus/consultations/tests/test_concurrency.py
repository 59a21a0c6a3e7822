"""Two counsellors press "Make this a case" on one consultation at the same moment: one case
is opened and linked, the other is told it is a case already (the consultation's row lock).
On PostgreSQL (DATABASE_URL=postgres://…); skipped on SQLite, which runs one writer at a time."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from conftest import _make_user
from hedershus.cases.models import Case
from hedershus.consultations.models import Consultation
from hedershus.consultations.services import case_open_from_consultation, consultation_ask
from hedershus.consultations.tests.helpers import professional_make, unit_make
from hedershus.core.access import Role
from hedershus.core.exceptions import Conflict
from hedershus.core.testing import committed_db

COUNSELLORS = 4


@committed_db
def test_simultaneous_make_a_case_opens_one_case() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time (and its shared in-memory test database locks tables)")
    asker = professional_make()
    unit = unit_make(asker)
    consultation = consultation_ask(actor=asker, unit_id=unit.pk, subject="Fråga", text="Situation")
    counsellors = [_make_user(Role.COUNSELLOR, f"maker-{n}@example.org") for n in range(COUNSELLORS)]
    start = threading.Barrier(COUNSELLORS)
    refused: list[Any] = []
    errors: list[Exception] = []

    def maker(user: Any) -> None:
        try:
            start.wait(timeout=30)
            case_open_from_consultation(actor=user, consultation_id=consultation.pk)
        except Conflict as conflict:
            refused.append(conflict.extra.get("case_id"))
        except Exception as error:  # noqa: BLE001 - reported below, in the test's thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=maker, args=(user,)) for user in counsellors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    [case] = Case.objects.all()
    assert Consultation.objects.get(pk=consultation.pk).case_id == case.pk
    assert refused == [case.pk] * (COUNSELLORS - 1)
