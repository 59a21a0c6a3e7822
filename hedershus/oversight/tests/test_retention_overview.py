"""The retention overview (/staff/oversight/retention/, R22): administrators and auditors see
every record type with its rule, what the next run deletes and how the last run went."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from conftest import sign_in
from hedershus.core import retention as core_retention
from hedershus.messaging.retention import retention_run
from hedershus.oversight import selectors

URL = "/staff/oversight/retention/"


def _expired_sessions(n: int) -> None:
    past = timezone.now() - dt.timedelta(hours=1)
    Session.objects.bulk_create(
        [Session(session_key=f"expired{i:025d}", session_data="", expire_date=past) for i in range(n)]
    )


def test_an_administrator_sees_every_record_type_with_its_rule_and_what_the_next_run_deletes(
    client: Any, administrator: Any
) -> None:
    _expired_sessions(3)
    sign_in(client, administrator)
    with translation.override("en"):
        page = client.get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for anchor in ("casescase", "journaljournalentry", "sessionssession", "auditauditevent", "taggit"):
        assert f'<article id="{anchor}"' in page
    assert "<code>django_<wbr>tasks_<wbr>database.<wbr>DBTaskResult</code>" in page
    row = page.split('id="sessionssession"')[1].split("</article>")[0]
    # Counted at the next run's time: the administrator's own session, idle by then, too.
    due = Session.objects.filter(expire_date__lt=core_retention.next_run(timezone.now())).count()
    assert due >= 3
    assert f'<dd class="retention-due">{due}</dd>' in row and "the job <code>sessions</code>" in row
    case_row = page.split('id="casescase"')[1].split("</article>")[0]
    assert (
        "5 years after the case&#x27;s last entry" in case_row
        and "<code>CASE_RETENTION_YEARS</code>" in case_row
    )
    assert "Goes with: case" in page.split('id="journaljournalentry"')[1].split("</article>")[0]
    assert "No run yet." in page


def test_the_page_is_in_swedish_for_staff(client: Any, auditor: Any) -> None:
    sign_in(client, auditor)
    page = client.get(URL).content.decode()
    assert "<h1>Gallring</h1>" in page
    assert "5 år efter ärendets senaste anteckning" in page


def test_the_last_run_shows_its_counts_and_whether_it_completed(
    client: Any, auditor: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _expired_sessions(2)
    retention_run()
    sign_in(client, auditor)
    with translation.override("en"):
        page = client.get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "completed" in page and "Expired sign-in sessions deleted: 2" in page

    def broken(now: Any, batch_size: int, *, progress: Any = None) -> dict[str, int]:
        raise RuntimeError("database went away")

    monkeypatch.setitem(core_retention._jobs, "absences", broken)
    with pytest.raises(RuntimeError):
        retention_run()
    with translation.override("en"):
        page = client.get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "failed in the jobs: absences" in page


@pytest.mark.django_db
def test_the_counts_are_count_queries_however_many_records_are_due() -> None:
    _expired_sessions(1)
    with CaptureQueriesContext(connection) as few:
        selectors.retention_overview()
    _expired_sessions(0)
    Session.objects.all().delete()
    _expired_sessions(40)
    with CaptureQueriesContext(connection) as many:
        overview = selectors.retention_overview()
    assert len(many) == len(few)
    rows = {row.label: row for group in overview.groups for row in group.rows}
    assert rows["sessions.Session"].due == 40 and overview.due_total >= 40


def test_the_next_run_follows_the_run_time_setting(settings: Any) -> None:
    settings.RETENTION_RUN_TIME = "04:30"
    now = timezone.make_aware(dt.datetime(2026, 11, 30, 5, 0))
    assert core_retention.next_run(now) == timezone.make_aware(dt.datetime(2026, 12, 1, 4, 30))


def test_only_administrators_and_auditors_see_it(
    client: Any, counsellor: Any, supervisor: Any, editor: Any, partner: Any
) -> None:
    assert client.get(URL).status_code == 302  # to sign-in
    for user in (counsellor, supervisor, editor, partner):
        sign_in(client, user)
        assert client.get(URL).status_code == 403
