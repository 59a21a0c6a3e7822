"""The neutral notification mail (issue 11, item 5): one message per address, nothing about
the item in it, a link to the sign-in page only, and a mail server that fails is logged,
never raised."""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import transaction

from hedershus.core.notifications import notify_new_item, notify_new_item_on_commit, sign_in_url


class RefusingBackend(BaseEmailBackend):
    """A mail server that accepts the connection and refuses every message."""

    def send_messages(self, email_messages: Any) -> int:
        raise ConnectionRefusedError("smtp refused alice@example.org")


class UnreachableBackend(BaseEmailBackend):
    """A mail server that cannot be reached at all."""

    def open(self) -> bool:
        raise TimeoutError("timed out")

    def send_messages(self, email_messages: Any) -> int:  # pragma: no cover - never reached
        raise AssertionError("sent without a connection")


class SecondRefusedBackend(LocmemBackend):
    """Refuses only the second message: the others still go."""

    calls = 0

    def send_messages(self, messages: Any) -> int:
        type(self).calls += 1
        if type(self).calls == 2:
            raise OSError("refused")
        return super().send_messages(messages)


def test_each_address_gets_its_own_message_and_sees_no_other(settings: Any) -> None:
    sent = notify_new_item(["unit@kommun.example", "anna@kommun.example", "bo@kommun.example"])

    assert sent == 3
    assert [m.to for m in mail.outbox] == [
        ["unit@kommun.example"],
        ["anna@kommun.example"],
        ["bo@kommun.example"],
    ]
    for message in mail.outbox:
        assert message.cc == [] and message.bcc == []
        assert message.from_email == settings.DEFAULT_FROM_EMAIL


def test_blank_and_repeated_addresses_are_sent_once(settings: Any) -> None:
    sent = notify_new_item(["", "  ", "Unit@Kommun.example", "unit@kommun.example", "bo@kommun.example"])

    assert sent == 2
    assert [m.to for m in mail.outbox] == [["Unit@Kommun.example"], ["bo@kommun.example"]]


def test_no_addresses_sends_nothing() -> None:
    assert notify_new_item([]) == 0
    assert mail.outbox == []


def test_the_mail_is_neutral_and_in_swedish() -> None:
    notify_new_item(["unit@kommun.example"])

    message = mail.outbox[0]
    assert message.subject == "Du har något nytt i Hedershus"
    assert "Hedershus" in message.body
    # Nothing but the fixed text and the link: the recipient's address is not even repeated.
    assert "unit@kommun.example" not in message.body
    assert "kommun" not in message.subject.lower()


def test_the_mail_is_the_same_whatever_the_item() -> None:
    """The function takes no item at all, so no item can leak into it; two calls give the
    same text (a control for the test above: it would catch anything varying)."""
    notify_new_item(["a@kommun.example"])
    notify_new_item(["b@kommun.example"])

    first, second = mail.outbox
    assert (first.subject, first.body) == (second.subject, second.body)


def test_the_only_link_is_the_sign_in_page_without_parameters(settings: Any) -> None:
    settings.WAGTAILADMIN_BASE_URL = "https://hedershus.example.se"

    notify_new_item(["unit@kommun.example"])

    links = re.findall(r"https?://\S+", str(mail.outbox[0].body))
    assert links == ["https://hedershus.example.se/staff/auth/login/"]
    parts = urlsplit(links[0])
    assert parts.query == "" and parts.fragment == ""
    assert links[0] == sign_in_url()


def test_a_refusing_mail_server_is_logged_not_raised(settings: Any, caplog: Any) -> None:
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"

    with caplog.at_level(logging.ERROR, logger="hedershus.notifications"):
        sent = notify_new_item(["alice@example.org", "bo@example.org"])

    assert sent == 0
    records = [r for r in caplog.records if r.name == "hedershus.notifications"]
    assert len(records) == 2
    # The log names the error's type, never the address or the server's text about it.
    for record in records:
        assert "ConnectionRefusedError" in record.getMessage()
        assert "alice" not in record.getMessage() and record.exc_info is None


def test_an_unreachable_mail_server_is_logged_not_raised(settings: Any, caplog: Any) -> None:
    settings.EMAIL_BACKEND = f"{__name__}.UnreachableBackend"

    with caplog.at_level(logging.ERROR, logger="hedershus.notifications"):
        sent = notify_new_item(["alice@example.org"])

    assert sent == 0
    assert any("TimeoutError" in r.getMessage() for r in caplog.records)


def test_one_refused_message_does_not_stop_the_others(settings: Any) -> None:
    settings.EMAIL_BACKEND = f"{__name__}.SecondRefusedBackend"
    SecondRefusedBackend.calls = 0

    sent = notify_new_item(["a@example.org", "b@example.org", "c@example.org"])

    assert sent == 2
    assert [m.to for m in mail.outbox] == [["a@example.org"], ["c@example.org"]]


def test_on_commit_sends_only_after_the_transaction_commits(
    db: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            notify_new_item_on_commit(["unit@kommun.example"])
        assert mail.outbox == []
    assert len(callbacks) == 1
    assert [m.to for m in mail.outbox] == [["unit@kommun.example"]]


def test_on_commit_sends_nothing_when_the_transaction_rolls_back(
    db: Any, django_capture_on_commit_callbacks: Any
) -> None:
    class Boom(Exception):
        pass

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Boom),
        transaction.atomic(),
    ):
        notify_new_item_on_commit(["unit@kommun.example"])
        raise Boom

    assert callbacks == []
    assert mail.outbox == []


def test_a_failing_mail_server_after_commit_keeps_the_write(
    db: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """The write that caused the notice stays: the mail goes after commit and its failure
    is swallowed, so nothing propagates into the caller's request."""
    from hedershus.accounts.models import User
    from hedershus.core.access import Role

    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        User.objects.create_user(
            email="kept@example.org", password="x-very-long-password-1", role=Role.COUNSELLOR
        )
        notify_new_item_on_commit(["unit@kommun.example"])

    assert User.objects.filter(email="kept@example.org").exists()
