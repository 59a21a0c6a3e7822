"""Logging helpers. No log line may carry a client's IP address or Host header (DESIGN.md)."""

from __future__ import annotations

import logging
import re

from hedershus.core import context

# IPv4 addresses, and IPv6 addresses written with at least two colons.
_IPV4 = r"\b(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?\b"
_IPV6 = r"\[?\b(?:[0-9a-fA-F]{0,4}:){2,7}[0-9a-fA-F]{0,4}\b\]?(?::\d+)?"
# Where a Host header value is quoted: Django's DisallowedHost message ("Invalid HTTP_HOST
# header: 'x'"), header dumps ("Host: x", "'HTTP_HOST': 'x'") and request reprs.
_HOST = (
    r"(?i)(?P<label>HTTP_HOST header: |(?<![a-z])host['\"]?\s*[:=]\s*)"
    r"(?P<quote>['\"]?)(?P<value>[^'\"\s,;)}\]]+)(?P=quote)"
)
_ADDRESS = re.compile(f"{_IPV4}|{_IPV6}")
_HOST_VALUE = re.compile(_HOST)
REDACTED = "[redacted]"


def redact(text: str) -> str:
    """``text`` with IP addresses, quoted Host header values and the current request's own
    Host header value replaced by ``[redacted]``."""
    host = context.request_host.get()
    if host:
        text = text.replace(host, REDACTED)
    text = _HOST_VALUE.sub(lambda m: f"{m['label']}{m['quote']}{REDACTED}{m['quote']}", text)
    # Every address, loopback included: behind a proxy on the same host every client is
    # 127.0.0.1, so a loopback address in a line may well be a visitor's.
    return _ADDRESS.sub(REDACTED, text)


class RedactClientDataFilter(logging.Filter):
    """Redacts client data from the whole record: message, arguments, traceback, stack.

    The request log never receives an address in the first place; this filter is the
    second line of defence against third-party loggers (the ASGI server's websocket
    lines, for one) that format the client's address or Host header into their messages,
    and against tracebacks, whose exception messages quote whatever the request carried.
    """

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        # The message with its arguments, so nothing unredacted is left in record.args.
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # arguments that don't fit the format: keep the text only
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            # Formatters reuse exc_text when it is set: format the traceback here, redacted.
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True
