"""Logging helpers. No log line may carry a client's IP address (DESIGN.md)."""

from __future__ import annotations

import logging
import re

# IPv4 addresses, and IPv6 addresses written with at least two colons.
_IPV4 = r"\b(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?\b"
_IPV6 = r"\[?\b(?:[0-9a-fA-F]{0,4}:){2,7}[0-9a-fA-F]{0,4}\b\]?(?::\d+)?"
_ADDRESS = re.compile(f"{_IPV4}|{_IPV6}")


class RedactClientDataFilter(logging.Filter):
    """Replaces anything that looks like an IP address in a record with ``[redacted]``.

    The request log never receives an address in the first place; this filter is the
    second line of defence against third-party loggers (the ASGI server's websocket
    lines, for one) that format the client's address into their messages.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = _ADDRESS.sub("[redacted]", message)
        if redacted != message:
            record.msg = redacted
            record.args = None
        return True
