"""The one neutral e-mail that tells a person or a unit there is something new in Hedershus.

Issue 11, item 5: units and staff are told "You have a new item in Hedershus" and nothing
more. The mail names no person, case, referral or consultation, and its only link is the
staff sign-in page (``WAGTAILADMIN_BASE_URL`` + ``account_login``): no parameter in it
identifies an item, so a mailbox read by someone else (a shared unit inbox, a forwarded
mail, a mail server's log) learns only that the recipient has business with the centre.

Each address gets its own message (no address sees another). A failing mail server is
logged and never raised: the referral or consultation that caused the notice is already
committed and must not be lost because of mail (``notify_new_item_on_commit``).

``core`` imports no app; apps pass the addresses (for a unit:
``hedershus.partners.selectors.notify_addresses_for_unit``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

logger = logging.getLogger("hedershus.notifications")


def sign_in_url() -> str:
    """The absolute address of the staff sign-in page, e.g.
    ``https://hedershus.example.se/staff/auth/login/``: the only link a notification carries.
    The origin is the site's own address from the environment (``WAGTAILADMIN_BASE_URL``,
    docs/operations.md), since a notification is sent outside any request."""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("account_login")


def _addresses_clean(addresses: Iterable[str]) -> list[str]:
    """The distinct, non-empty addresses in their first spelling (compared without case),
    order kept. An address with a line break is dropped (it could only be a header
    injection attempt; Django would refuse it anyway)."""
    seen: set[str] = set()
    result: list[str] = []
    for raw in addresses:
        address = (raw or "").strip()
        if not address or "\n" in address or "\r" in address:
            continue
        key = address.casefold()
        if key in seen:
            continue
        seen.add(key)
        result.append(address)
    return result


def notification_text() -> tuple[str, str]:
    """The notification's ``(subject, body)`` in the site's language (``LANGUAGE_CODE``,
    Swedish: the staff and the partner units work in Swedish). The same for every
    recipient and every item: it carries no personal data by construction."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = gettext("You have a new item in Hedershus")
        body = gettext(
            "Hello,\n\n"
            "You have a new item in Hedershus. Sign in to see it:\n\n"
            "{url}\n\n"
            "This message was sent automatically and says nothing about the item. "
            "Please do not reply to it."
        ).format(url=sign_in_url())
    return subject, body


def notify_new_item(addresses: Iterable[str]) -> int:
    """Sends the neutral notification (``notification_text``) to each address separately.

    ``addresses``: e-mail addresses; blanks and repeats (compared without case) are skipped.
    Returns how many messages the mail backend accepted (0 when the server cannot be
    reached). Never raises because of mail: a failure is logged on the
    ``hedershus.notifications`` logger with the error's type only (no address, no text), so
    a mail server that is down never rolls back or breaks the write that caused the notice.
    Call it after commit (``notify_new_item_on_commit``), never inside a transaction.
    """
    recipients = _addresses_clean(addresses)
    if not recipients:
        return 0
    subject, body = notification_text()
    connection = mail.get_connection(fail_silently=False)
    try:
        connection.open()
    except Exception as error:  # noqa: BLE001 - mail must never break the caller
        logger.error("notification: mail server not reachable (%s)", type(error).__name__)
        return 0
    sent = 0
    try:
        for index, address in enumerate(recipients):
            message = mail.EmailMessage(subject, body, to=[address], connection=connection)
            try:
                sent += message.send(fail_silently=False)
            except Exception as error:  # noqa: BLE001
                logger.error(
                    "notification: message %d of %d not sent (%s)",
                    index + 1,
                    len(recipients),
                    type(error).__name__,
                )
    finally:
        try:
            connection.close()
        except Exception as error:  # noqa: BLE001
            logger.warning("notification: closing the mail connection failed (%s)", type(error).__name__)
    return sent


def notify_new_item_on_commit(addresses: Iterable[str]) -> None:
    """Sends ``notify_new_item`` to ``addresses`` once the current transaction commits (at
    once outside one); nothing is sent if it rolls back. The addresses are read now (a
    queryset is evaluated inside the caller's transaction), the mail goes after commit."""
    recipients = _addresses_clean(addresses)
    if recipients:
        transaction.on_commit(lambda: notify_new_item(recipients))
