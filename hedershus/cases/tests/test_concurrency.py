"""Case numbers under concurrency: openings at the same moment each get their own number,
with no gap (the year's row lock). On SQLite writers queue anyway; on PostgreSQL this is the
test that matters (DATABASE_URL=postgres://…); on SQLite it is skipped."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from conftest import _make_user
from hedershus.cases.models import Case
from hedershus.cases.services import case_open
from hedershus.cases.tests.helpers import phone_contact
from hedershus.core.access import Role
from hedershus.core.testing import committed_db

OPENERS = 6


@committed_db
def test_simultaneous_openings_get_distinct_consecutive_numbers() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time (and its shared in-memory test database locks tables)")
    users = [_make_user(Role.COUNSELLOR, f"opener-{n}@example.org") for n in range(OPENERS)]
    start = threading.Barrier(OPENERS)
    errors: list[Exception] = []

    def opener(user: object) -> None:
        try:
            start.wait(timeout=30)
            for _ in range(3):
                case_open(actor=user, contact=phone_contact())
        except Exception as error:  # noqa: BLE001 - reported below, in the test's thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=opener, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    numbers = sorted(
        int(reference.split("-")[1]) for reference in Case.objects.values_list("reference", flat=True)
    )
    assert numbers == list(range(1, OPENERS * 3 + 1))
