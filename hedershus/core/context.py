"""Per-request context that services read without a request object (audit events)."""

from __future__ import annotations

import contextvars

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")

# The raw Host header of the request being served, so log redaction can remove it wherever
# it appears (hedershus/core/logging.py); never stored.
request_host: contextvars.ContextVar[str] = contextvars.ContextVar("request_host", default="")
