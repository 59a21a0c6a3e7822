"""Migration 0004 encrypts the districts already stored, and its reverse decrypts them."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from conftest import _make_user
from hedershus.core.access import Role
from hedershus.core.crypto import decrypt_text
from hedershus.core.testing import committed_db

BEFORE = [("cases", "0003_problem_types_seed")]
AFTER = [("cases", "0004_person_district_encrypted")]


def _migrate(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@committed_db
def test_existing_districts_are_encrypted_and_back():
    user = _make_user(Role.COUNSELLOR, "migrator@example.org")
    old_apps = _migrate(BEFORE)
    try:
        Case = old_apps.get_model("cases", "Case")
        Person = old_apps.get_model("cases", "Person")
        case = Case.objects.create(reference="M-1", opened_by_id=user.pk, opened_at=timezone.now())
        Person.objects.create(
            case=case, alias="A", role="exposed", district="Hagalund", created_by_id=user.pk
        )
        new_apps = _migrate(AFTER)
        stored = new_apps.get_model("cases", "Person").objects.get(case_id=case.pk)
        assert "Hagalund" not in stored.district_encrypted
        assert decrypt_text(stored.district_encrypted) == "Hagalund"
        back = _migrate(BEFORE).get_model("cases", "Person").objects.get(case_id=case.pk)
        assert back.district == "Hagalund"
    finally:
        # Every app's newest migration, not only cases' 0004: going back to 0003 also undid the
        # migrations of apps that depend on later ones (consultations, referrals), and the next
        # test on this worker found their tables gone.
        executor = MigrationExecutor(connection)
        _migrate(executor.loader.graph.leaf_nodes())
