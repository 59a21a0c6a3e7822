"""Administrators choose the quick exit destination at /staff/settings/safety/; it is audited."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from hedershus.audit.models import AuditEvent
from hedershus.core.access import Capability
from hedershus.core.access_testing import for_roles_without
from hedershus.portal.models import DEFAULT_QUICK_EXIT_URL
from hedershus.portal.selectors import quick_exit_destination

URL = "/staff/settings/safety/"


def changes():
    return AuditEvent.objects.filter(event_type="settings.quick_exit_changed")


def test_an_administrator_changes_the_destination_and_it_is_audited(signed_in, administrator):
    client = signed_in(administrator)
    assert client.get(URL).status_code == 200
    response = client.post(URL, {"quick_exit_url": "https://www.svt.se/nyheter/"})
    assert response.status_code == 302
    assert quick_exit_destination() == "https://www.svt.se/nyheter/"
    event = changes().get()
    assert event.actor == administrator
    assert event.data == {"old_url": DEFAULT_QUICK_EXIT_URL, "new_url": "https://www.svt.se/nyheter/"}
    assert client.get("/exit")["Location"] == "https://www.svt.se/nyheter/"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://www.svt.se/", "starts with https://"),
        ("javascript:alert(1)", "starts with https://"),
        ("not a url", "Enter a valid URL."),
        ("https://user:secret@www.svt.se/", "must not contain a user name"),
        ("https://localhost/", "must lead away from this site"),
        ("", "This field is required."),
    ],
)
def test_a_bad_destination_is_refused_with_a_clear_message_and_nothing_changes(
    signed_in, administrator, url, message
):
    client = signed_in(administrator)
    response = client.post(URL, {"quick_exit_url": url}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert quick_exit_destination() == DEFAULT_QUICK_EXIT_URL
    assert not changes().exists()


def test_saving_the_same_destination_records_nothing(signed_in, administrator):
    client = signed_in(administrator)
    client.post(URL, {"quick_exit_url": DEFAULT_QUICK_EXIT_URL})
    assert not changes().exists()


@for_roles_without(Capability.MANAGE_SITE_SETTINGS)
def test_other_roles_are_refused(signed_in, cast, role):
    client = signed_in(cast[role])
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"quick_exit_url": "https://www.svt.se/"}).status_code == 403
    assert quick_exit_destination() == DEFAULT_QUICK_EXIT_URL


def test_an_anonymous_visitor_is_sent_to_sign_in(visitor, db):
    response = visitor.get(URL)
    assert response.status_code == 302
    assert "/staff/auth/login/" in response["Location"]


def test_the_command_sets_the_destination_as_the_system(db, capsys):
    call_command("quick_exit_url", "https://www.svt.se/")
    assert capsys.readouterr().out.strip() == "https://www.svt.se/"
    event = changes().get()
    assert event.actor is None and event.actor_kind == "system"
    with pytest.raises(CommandError, match="https://"):
        call_command("quick_exit_url", "http://www.svt.se/")
    assert quick_exit_destination() == "https://www.svt.se/"
