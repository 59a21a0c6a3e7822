"""The CSV export at /staff/audit/export.csv."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlparse

import pytest
from asgiref.sync import async_to_sync
from django.test import AsyncClient
from django.urls import reverse

from conftest import sign_in
from hedershus.audit import views
from hedershus.audit.models import AuditEvent
from hedershus.audit.selectors import AuditEventFilters, audit_events_search
from hedershus.audit.services import audit_record
from hedershus.audit.verify import audit_chain_verify
from hedershus.core.access import Capability
from hedershus.core.access_testing import for_roles_without

EXPORT = reverse("audit:export")
HEADER = [
    "id",
    "time",
    "actor_id",
    "actor_email",
    "actor_kind",
    "event_type",
    "object_type",
    "object_id",
    "reason",
    "request_id",
    "data",
    "hash",
    "prev_hash",
    "key_id",
    "nonce",
]


def _rows(content: bytes) -> list[list[str]]:
    assert content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def _exported(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response.streaming
    rows = _rows(b"".join(response.streaming_content))
    assert rows[0] == HEADER
    return rows[1:]


def test_an_anonymous_visitor_is_sent_to_sign_in(db, visitor):
    response = visitor.get(EXPORT)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@for_roles_without(Capability.REVIEW_AUDIT_LOG)
def test_no_other_role_may_export_even_just_reauthenticated(cast, signed_in, role):
    response = signed_in(cast[role]).get(EXPORT)
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(event_type="audit.exported").exists()


@for_roles_without(Capability.REVIEW_AUDIT_LOG)
def test_no_other_role_is_even_asked_to_reauthenticate(cast, signed_in, role):
    response = signed_in(cast[role], reauthenticated=False).get(EXPORT)
    assert response.status_code == 403


def test_an_export_without_a_fresh_reauthentication_is_sent_to_reauthenticate(auditor, signed_in, counsellor):
    audit_record("user.viewed", actor=counsellor, target=counsellor)
    url = f"{EXPORT}?actor={counsellor.pk}"
    response = signed_in(auditor, reauthenticated=False).get(url)
    assert response.status_code == 302
    location = urlparse(response["Location"])
    assert location.path in {reverse("account_reauthenticate"), reverse("mfa_reauthenticate")}
    assert parse_qs(location.query)["next"] == [url]
    assert not AuditEvent.objects.filter(event_type="audit.exported").exists()


def test_an_export_returns_the_matching_events_as_csv_oldest_first(
    auditor, signed_in, counsellor, supervisor
):
    client = signed_in(auditor)
    mine = [
        audit_record("user.viewed", actor=counsellor, target=supervisor, reason="follow-up", data={"n": n})
        for n in range(3)
    ]
    audit_record("user.viewed", actor=supervisor, target=counsellor)
    response = client.get(EXPORT, {"actor": counsellor.pk, "event_type": "user.viewed"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert re.fullmatch(r'attachment; filename="audit-\d{8}-\d{6}\.csv"', response["Content-Disposition"])
    assert response["Cache-Control"] == "no-store"
    rows = _exported(response)
    assert [int(row[0]) for row in rows] == [event.pk for event in mine]
    first, stored = rows[0], AuditEvent.objects.get(pk=mine[0].pk)
    assert datetime.fromisoformat(first[1]) == stored.occurred_at
    assert first[1].endswith("+00:00")
    assert first[2:8] == [
        str(counsellor.pk),
        "counsellor@example.org",
        "user",
        "user.viewed",
        "accounts.user",
        str(supervisor.pk),
    ]
    assert first[8] == "follow-up"
    assert json.loads(first[10]) == {"n": 0}
    assert (first[11], first[12], first[13], first[14]) == (stored.hash, "", stored.key_id, stored.nonce)
    assert stored.prev_hash is None and stored.nonce  # sealed: put in order by its seal
    assert stored.key_id  # signed: the exported file names the key that verifies it


def test_a_visitors_and_the_systems_events_have_no_actor_in_the_export(auditor, signed_in):
    audit_record("auth.login_failed", visitor=True, data={"stage": "password"})
    audit_record("user.unlocked")
    rows = _exported(signed_in(auditor).get(EXPORT, {"event_type": "auth.login_failed"}))
    assert [row[2:5] for row in rows] == [["", "", "visitor"]]


def test_the_export_is_recorded_before_the_rows_leave(auditor, signed_in, counsellor):
    client = signed_in(auditor)
    for _ in range(2):
        audit_record("user.viewed", actor=counsellor, target=counsellor)
    response = client.get(EXPORT, {"event_type": "user.viewed", "date_from": "2000-01-01"})
    # Nothing has been read from the stream yet.
    exported = AuditEvent.objects.get(event_type="audit.exported")
    assert exported.actor == auditor
    assert exported.object_type == "audit.auditevent"
    assert exported.data == {
        "event_type": "user.viewed",
        "date_from": "2000-01-01",
        "up_to_id": exported.pk - 1,
        "rows": 2,
    }
    rows = _exported(response)
    assert len(rows) == exported.data["rows"]
    # The export event is part of the chain, which stays intact.
    assert exported.pk > max(int(row[0]) for row in rows)
    assert audit_chain_verify().intact


def test_an_unfiltered_export_holds_every_earlier_event_but_not_its_own(auditor, signed_in, counsellor):
    client = signed_in(auditor)
    audit_record("user.viewed", actor=counsellor, target=counsellor)
    rows = _exported(client.get(EXPORT))
    exported = AuditEvent.objects.get(event_type="audit.exported")
    assert [int(row[0]) for row in rows] == list(
        AuditEvent.objects.filter(id__lt=exported.pk).order_by("id").values_list("id", flat=True)
    )
    assert exported.data == {"up_to_id": exported.pk - 1, "rows": len(rows)}


@pytest.mark.parametrize(
    "dangerous",
    ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"],
)
def test_cells_that_a_spreadsheet_would_run_as_formulas_are_defused(auditor, signed_in, dangerous):
    client = signed_in(auditor)
    audit_record("user.unlocked", reason=dangerous, object_type="accounts.user", object_id=dangerous[:64])
    [row] = _exported(client.get(EXPORT, {"event_type": "user.unlocked"}))
    assert row[8] == "'" + dangerous
    assert row[7] == "'" + dangerous[:64]


def test_harmless_cells_are_left_as_they_are(auditor, signed_in):
    client = signed_in(auditor)
    audit_record("user.unlocked", reason='Åsa asked; 1 = 1, "quoted"\nnext line')
    [row] = _exported(client.get(EXPORT, {"event_type": "user.unlocked"}))
    assert row[8] == 'Åsa asked; 1 = 1, "quoted"\nnext line'


def test_invalid_export_filters_are_refused_and_not_recorded(auditor, signed_in):
    response = signed_in(auditor).get(EXPORT, {"date_from": "not-a-date"})
    assert response.status_code == 400
    assert "date_from" in response.context["form"].errors
    assert not AuditEvent.objects.filter(event_type="audit.exported").exists()


def test_the_export_reads_in_batches_without_losing_or_repeating_a_row(
    auditor, signed_in, counsellor, monkeypatch
):
    monkeypatch.setattr(views, "EXPORT_BATCH_SIZE", 2)
    events = [audit_record("user.viewed", actor=counsellor, target=counsellor) for _ in range(5)]
    rows = _exported(signed_in(auditor).get(EXPORT, {"event_type": "user.viewed"}))
    assert [int(row[0]) for row in rows] == [event.pk for event in events]


def test_an_asgi_server_gets_the_same_rows_as_an_asynchronous_stream(auditor, counsellor, monkeypatch):
    monkeypatch.setattr(views, "EXPORT_BATCH_SIZE", 2)
    for _ in range(5):
        audit_record("user.viewed", actor=counsellor, target=counsellor)
    rows = audit_events_search(auditor, AuditEventFilters(event_type="user.viewed"))

    async def collect() -> str:
        return "".join([part async for part in views.csv_lines_async(rows)])

    streamed = async_to_sync(collect)()
    assert streamed == "".join(views.csv_lines(rows))
    assert len(_rows(streamed.encode())) == 6


def test_the_export_view_streams_asynchronously_under_asgi(auditor, counsellor):
    audit_record("user.viewed", actor=counsellor, target=counsellor)
    client = sign_in(AsyncClient(), auditor)

    async def export() -> tuple[int, bool, bytes]:
        response = await client.get(EXPORT, {"event_type": "user.viewed"})
        body = b"".join([part async for part in response.streaming_content])
        return response.status_code, response.is_async, body

    status, is_async, body = async_to_sync(export)()
    assert (status, is_async) == (200, True)
    assert len(_rows(body)) == 2
    assert AuditEvent.objects.filter(event_type="audit.exported", actor=auditor).count() == 1


def test_the_time_column_is_utc(auditor, signed_in, counsellor):
    from .conftest import record_at

    when = datetime(2026, 7, 1, 0, 30, tzinfo=UTC)
    record_at(when, "user.viewed", actor=counsellor, target=counsellor)
    [row] = _exported(signed_in(auditor).get(EXPORT, {"event_type": "user.viewed"}))
    assert row[1] == "2026-07-01T00:30:00+00:00"
