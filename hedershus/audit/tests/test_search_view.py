"""The auditor's search page at /staff/audit/."""

from __future__ import annotations

from datetime import datetime
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlparse
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import translation

from hedershus.audit.models import AuditEvent
from hedershus.audit.services import audit_record
from hedershus.core.access import Capability
from hedershus.core.access_testing import for_roles_without

from .conftest import record_at

STOCKHOLM = ZoneInfo("Europe/Stockholm")
SEARCH = reverse("audit:search")


def _shown(response):
    return [event.pk for event in response.context["page_obj"]]


def _search(client, **params):
    return client.get(SEARCH, params)


@pytest.fixture
def auditor_client(auditor, signed_in):
    return signed_in(auditor)


def test_an_anonymous_visitor_is_sent_to_sign_in(db, visitor):
    response = visitor.get(SEARCH)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not AuditEvent.objects.filter(event_type="audit.searched").exists()


@for_roles_without(Capability.REVIEW_AUDIT_LOG)
def test_no_other_role_may_search(cast, signed_in, role):
    response = signed_in(cast[role]).get(SEARCH)
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(event_type="audit.searched").exists()


def test_an_auditor_sees_every_event_newest_first(auditor_client, counsellor):
    first = audit_record("user.viewed", actor=counsellor, target=counsellor)
    second = audit_record("auth.login_failed", visitor=True)
    third = audit_record("user.unlocked", target=counsellor)
    response = auditor_client.get(SEARCH)
    assert response.status_code == 200
    shown = _shown(response)
    assert shown[:3] == [third.pk, second.pk, first.pk]
    assert shown == sorted(shown, reverse=True)
    page = response.content.decode()
    assert "<caption>" in page
    assert '<th scope="col">' in page
    assert 'href="/staff/audit/export.csv"' in page


def test_the_page_names_visitors_and_the_system_as_actors(auditor_client, settings):
    settings.LANGUAGE_CODE = "en"
    audit_record("auth.login_failed", visitor=True)
    audit_record("user.unlocked")
    response = auditor_client.get(SEARCH, HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert "<td>Visitor" in page or "Visitor\n" in page
    assert "System" in page
    assert "Failed sign-in" in page


def test_search_by_actor(auditor_client, counsellor, supervisor):
    mine = audit_record("user.viewed", actor=counsellor, target=supervisor)
    audit_record("user.viewed", actor=supervisor, target=counsellor)
    audit_record("auth.login_failed", visitor=True)
    response = _search(auditor_client, actor=counsellor.pk)
    assert response.status_code == 200
    by_counsellor = AuditEvent.objects.filter(actor=counsellor).order_by("-id")
    assert _shown(response) == list(by_counsellor.values_list("id", flat=True))
    assert mine.pk in _shown(response)
    assert all(event.actor_id == counsellor.pk for event in response.context["page_obj"])


def test_search_by_kind_of_actor(auditor_client, counsellor):
    audit_record("user.viewed", actor=counsellor, target=counsellor)
    by_visitor = audit_record("auth.login_failed", visitor=True)
    assert _shown(_search(auditor_client, actor_kind="visitor")) == [by_visitor.pk]


def test_search_by_object(auditor_client, counsellor, supervisor, administrator):
    about_counsellor = audit_record("user.viewed", actor=administrator, target=counsellor)
    audit_record("user.viewed", actor=administrator, target=supervisor)
    audit_record("user.unlocked", object_type="other.thing", object_id=str(counsellor.pk))
    response = _search(auditor_client, object_type="accounts.user", object_id=str(counsellor.pk))
    assert response.status_code == 200
    shown = _shown(response)
    assert about_counsellor.pk in shown
    assert all(
        (event.object_type, event.object_id) == ("accounts.user", str(counsellor.pk))
        for event in response.context["page_obj"]
    )
    by_type = _search(auditor_client, object_type="other.thing")
    assert [event.object_type for event in by_type.context["page_obj"]] == ["other.thing"]


def test_the_object_column_names_the_record_type_in_the_page_language(auditor_client, counsellor):
    # Found by a tester: the column showed the model label ("cases.case 12") in the Swedish page.
    audit_record("case.viewed", actor=counsellor, object_type="cases.case", object_id="12")
    audit_record("user.unlocked", object_type="other.thing", object_id="3")
    page = auditor_client.get(SEARCH).content.decode()
    link = f'{SEARCH}?object_type=cases.case&amp;object_id=12">Ärende 12</a>'
    assert link in page
    assert "<code>cases.case</code>" in page  # what the object-type filter takes
    assert ">other.thing 3</a>" in page  # a type that names no model is shown as stored
    with translation.override("en"):
        assert f'{SEARCH}?object_type=cases.case&amp;object_id=12">Case 12</a>' in (
            auditor_client.get(SEARCH, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        )


def test_search_by_event_type(auditor_client, counsellor):
    changed = audit_record(
        "user.role_changed", actor=counsellor, target=counsellor, data={"from": "a", "to": "b"}
    )
    audit_record("user.viewed", actor=counsellor, target=counsellor)
    response = _search(auditor_client, event_type="user.role_changed")
    assert _shown(response) == [changed.pk]
    assert 'value="user.role_changed" selected' in response.content.decode()


def test_search_by_date_range_counts_whole_days_in_stockholm(auditor_client, counsellor):
    def at(*args):
        return record_at(
            datetime(*args, tzinfo=STOCKHOLM), "user.viewed", actor=counsellor, target=counsellor
        )

    at(2026, 2, 28, 23, 59, 59)  # the day before
    first = at(2026, 3, 1, 0, 0, 0)  # still 28 February in UTC
    last = at(2026, 3, 2, 23, 59, 59)
    at(2026, 3, 3, 0, 0, 30)  # still 2 March in UTC
    response = _search(auditor_client, event_type="user.viewed", date_from="2026-03-01", date_to="2026-03-02")
    assert response.status_code == 200
    assert _shown(response) == [last.pk, first.pk]
    one_day = _search(auditor_client, event_type="user.viewed", date_from="2026-03-01", date_to="2026-03-01")
    assert _shown(one_day) == [first.pk]
    from_only = _search(auditor_client, event_type="user.viewed", date_from="2026-03-02")
    assert len(_shown(from_only)) == 2


def test_the_summer_time_boundary_counts_in_stockholm_time(auditor_client, counsellor):
    # 1 July 00:30 in Stockholm is 30 June 22:30 UTC.
    july = record_at(datetime(2026, 7, 1, 0, 30, tzinfo=STOCKHOLM), "user.viewed", actor=counsellor)
    assert _shown(_search(auditor_client, event_type="user.viewed", date_from="2026-07-01")) == [july.pk]
    assert _shown(_search(auditor_client, event_type="user.viewed", date_to="2026-06-30")) == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"date_from": "2026-13-45"}, "date_from"),
        ({"date_to": "yesterday"}, "date_to"),
        ({"date_from": "2026-03-02", "date_to": "2026-03-01"}, "date_to"),
        ({"date_from": "0001-01-01"}, "date_from"),
        ({"date_to": "9999-12-31"}, "date_to"),
        ({"event_type": "no.such_event"}, "event_type"),
        ({"actor": "not-a-number"}, "actor"),
        ({"actor": "999999"}, "actor"),
        ({"actor_kind": "robot"}, "actor_kind"),
        ({"object_type": "accounts.user'; DROP TABLE x"}, "object_type"),
        ({"object_id": "5"}, "object_type"),
        ({"object_type": "accounts.user", "object_id": "x" * 65}, "object_id"),
        ({"up_to": "-1"}, "up_to"),
    ],
)
def test_invalid_filters_are_refused_with_a_message_and_nothing_is_read(
    auditor_client, counsellor, params, field
):
    audit_record("user.viewed", actor=counsellor, target=counsellor)
    response = _search(auditor_client, **params)
    assert response.status_code == 400
    form = response.context["form"]
    assert field in form.errors
    page = response.content.decode()
    assert 'role="alert"' in page
    if field == "up_to":  # a hidden field: the message says the link is broken
        assert "Sidlänken är inte giltig" in page or "The page link is not valid" in page
    else:
        for error in form.errors[field]:
            assert error in page
    assert "page_obj" not in response.context
    assert not AuditEvent.objects.filter(event_type="audit.searched").exists()


def test_each_search_is_itself_recorded_with_its_filters(auditor_client, auditor, counsellor):
    audit_record("user.viewed", actor=counsellor, target=counsellor)
    response = _search(
        auditor_client,
        actor=counsellor.pk,
        event_type="user.viewed",
        object_type="accounts.user",
        object_id=str(counsellor.pk),
        date_from="2026-01-01",
        date_to="2026-12-31",
    )
    assert response.status_code == 200
    searched = AuditEvent.objects.get(event_type="audit.searched")
    assert searched.actor == auditor
    assert searched.object_type == "audit.auditevent"
    assert searched.data == {
        "actor_id": counsellor.pk,
        "event_type": "user.viewed",
        "object_type": "accounts.user",
        "object_id": str(counsellor.pk),
        "date_from": "2026-01-01",
        "date_to": "2026-12-31",
        "up_to_id": searched.pk - 1,
        "page": 1,
    }
    # The search does not show its own event.
    assert searched.pk not in _shown(response)


def test_pages_hold_fifty_events_and_keep_the_filters(auditor_client, counsellor):
    events = [audit_record("user.viewed", actor=counsellor, target=counsellor) for _ in range(52)]
    audit_record("user.unlocked", target=counsellor)  # filtered out
    response = _search(auditor_client, event_type="user.viewed")
    assert _shown(response) == [event.pk for event in reversed(events[2:])]
    assert response.context["page_obj"].paginator.num_pages == 2
    [next_link] = [link for link in links(response) if link.get("rel") == "next"]
    query = parse_qs(urlparse(next_link["href"]).query)
    assert query.keys() == {"event_type", "up_to", "page"}
    assert query["event_type"] == ["user.viewed"]
    assert query["page"] == ["2"]
    up_to = int(query["up_to"][0])

    # New events after the first page do not shift the second.
    audit_record("user.viewed", actor=counsellor, target=counsellor)
    second = auditor_client.get(SEARCH + next_link["href"])
    assert second.status_code == 200
    assert _shown(second) == [events[1].pk, events[0].pk]
    assert AuditEvent.objects.filter(event_type="audit.searched").order_by("-id")[0].data == {
        "event_type": "user.viewed",
        "up_to_id": up_to,
        "page": 2,
    }
    [previous_link] = [link for link in links(second) if link.get("rel") == "prev"]
    assert parse_qs(urlparse(previous_link["href"]).query)["page"] == ["1"]


def test_the_export_link_carries_the_filters_but_not_the_page_pin(auditor_client, counsellor):
    response = _search(auditor_client, actor=counsellor.pk, date_from="2026-03-01")
    [export_link] = [link for link in links(response) if link["href"].startswith(reverse("audit:export"))]
    query = parse_qs(urlparse(export_link["href"]).query)
    assert query == {"actor": [str(counsellor.pk)], "date_from": ["2026-03-01"]}


class _LinkParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.links.append(dict(attrs))


def links(response):
    """Every link on the page, as its attributes (entities decoded)."""
    parser = _LinkParser()
    parser.feed(response.content.decode())
    return parser.links
