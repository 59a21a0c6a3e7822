"""Referrals under concurrency, on PostgreSQL (DATABASE_URL=postgres://…; skipped on SQLite,
which runs one writer at a time): two professionals of a unit answering at the same moment
get one answer (the row lock), and the same form sent twice at once stores one referral (the
partial UNIQUE on referrer and client id)."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from conftest import _make_user
from hedershus.core.access import Role
from hedershus.core.exceptions import Conflict
from hedershus.core.testing import committed_db
from hedershus.referrals import services
from hedershus.referrals.models import Referral, ReferralStep
from hedershus.referrals.tests.helpers import case_make, referral_input, unit_make


def _at_once(*calls: Callable[[], Any]) -> list[Any]:
    """Runs ``calls`` in threads released together; returns each one's result or error."""
    start = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            start.wait(timeout=30)
            results[index] = call()
        except Exception as error:  # noqa: BLE001 - returned to the test
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n, call)) for n, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time (and its shared in-memory test database locks tables)")


@committed_db
def test_an_accept_and_a_decline_at_the_same_moment_leave_one_answer() -> None:
    _postgres_only()
    counsellor = _make_user(Role.COUNSELLOR, "c-race@example.org")
    first, second = (_make_user(Role.PARTNER, f"p{n}-race@example.org") for n in (1, 2))
    unit = unit_make(first, second)
    referral = services.referral_send(
        actor=counsellor, case_id=case_make(counsellor).pk, data=referral_input(unit)
    )
    results = _at_once(
        lambda: services.referral_accept(actor=first, referral_id=referral.pk),
        lambda: services.referral_decline(actor=second, referral_id=referral.pk, reason="Fullt"),
    )
    conflicts = [result for result in results if isinstance(result, Conflict)]
    assert len(conflicts) == 1, results
    assert ReferralStep.objects.filter(referral=referral, kind__in=("accepted", "declined")).count() == 1


@committed_db
def test_the_same_form_sent_twice_at_once_stores_one_referral() -> None:
    _postgres_only()
    counsellor = _make_user(Role.COUNSELLOR, "c-twice@example.org")
    unit = unit_make(_make_user(Role.PARTNER, "p-twice@example.org"))
    case = case_make(counsellor)
    data = referral_input(unit, client_id=uuid.uuid4())
    results = _at_once(*(lambda: services.referral_send(actor=counsellor, case_id=case.pk, data=data),) * 2)
    assert all(isinstance(result, Referral) for result in results), results
    assert results[0].pk == results[1].pk
    assert Referral.objects.count() == 1
