"""No log record carries a client address or Host header: message, arguments and traceback
alike (issue 7, item 9)."""

from __future__ import annotations

import io
import logging
import sys

import pytest

from hedershus.core.logging import RedactClientDataFilter

CLIENT_IP = "203.0.113.77"
HOST = "visitor-7731.tracker.example"


def _configured_handler() -> logging.Handler:
    """The handler settings.LOGGING gives the root logger, with its redaction filter."""
    for handler in logging.getLogger().handlers:
        if any(isinstance(f, RedactClientDataFilter) for f in handler.filters):
            return handler
    raise AssertionError("no handler with the redaction filter on the root logger")


@pytest.fixture
def log_output():
    """What the platform's real log handler writes, as text."""
    handler = _configured_handler()
    assert isinstance(handler, logging.StreamHandler)
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    yield buffer
    handler.setStream(previous)


def test_a_traceback_never_shows_the_host_header_or_an_address(log_output):
    logger = logging.getLogger("hedershus.tests.redaction")
    try:
        raise ValueError(f"cannot build a link for Host: {HOST} from {CLIENT_IP}")
    except ValueError:
        logger.exception("Building %s failed", "a link")
    written = log_output.getvalue()
    assert "Building a link failed" in written and "Traceback" in written and "ValueError" in written
    assert HOST not in written
    assert CLIENT_IP not in written


def test_arguments_are_redacted_not_only_the_message():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "peer %s", (CLIENT_IP,), None)
    RedactClientDataFilter().filter(record)
    assert record.args is None
    assert CLIENT_IP not in record.getMessage()


def test_a_malformed_log_call_is_redacted_and_does_not_raise():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, f"peer {CLIENT_IP} %s %s", ("one",), None)
    assert RedactClientDataFilter().filter(record)
    assert CLIENT_IP not in record.getMessage()


def test_an_already_formatted_traceback_is_redacted_too():
    try:
        raise RuntimeError(f"'HTTP_HOST': '{HOST}'")
    except RuntimeError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", None, sys.exc_info())
    record.exc_text = logging.Formatter().formatException(record.exc_info)  # another handler did it
    RedactClientDataFilter().filter(record)
    assert HOST not in logging.Formatter().format(record)


def test_a_refused_host_header_is_not_logged(client, log_output):
    response = client.get("/sv/", HTTP_HOST=HOST)
    assert response.status_code == 400
    written = log_output.getvalue()
    assert "Invalid HTTP_HOST header" in written  # Django did log the refusal ...
    assert HOST not in written  # ... without the value


@pytest.mark.urls("hedershus.core.tests.host_error_urls")
def test_a_view_error_quoting_the_requests_own_host_is_not_logged(log_output, settings):
    from django.test import Client

    settings.ALLOWED_HOSTS = [HOST]
    response = Client(raise_request_exception=False).get("/broken-with-host/", HTTP_HOST=HOST)
    assert response.status_code == 500
    written = log_output.getvalue()
    assert "Traceback" in written and "link for" in written
    assert HOST not in written


def test_every_handler_any_django_logger_reaches_redacts_even_with_debug_on():
    """Django's default logging adds a console handler of its own to the "django" logger
    (active with DEBUG on) that printed Host headers and tracebacks unredacted; it must be gone."""
    import logging

    from hedershus.core.logging import RedactClientDataFilter

    for name in ("django", "django.request", "django.security.DisallowedHost", "django.server"):
        logger: logging.Logger | None = logging.getLogger(name)
        while logger is not None:
            for handler in logger.handlers:
                if type(handler).__module__.startswith("_pytest"):
                    continue  # pytest's own capture
                assert any(isinstance(f, RedactClientDataFilter) for f in handler.filters), (name, handler)
            logger = logger.parent if logger.propagate else None
