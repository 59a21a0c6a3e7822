"""Request logs never contain an IP address, user agent or query string (DESIGN.md)."""

from __future__ import annotations

import logging

from hedershus.core.logging import RedactClientDataFilter

CLIENT_IP = "203.0.113.77"
CLIENT_IPV6 = "2001:db8::beef"
USER_AGENT = "Mozilla/5.0 (RevealingPhone; Model-X12)"
QUERY_SECRET = "forced-marriage-help"


def test_request_log_holds_no_address_agent_or_query(client, db, caplog):
    with caplog.at_level(logging.DEBUG):
        for address in (CLIENT_IP, CLIENT_IPV6):
            client.get(
                f"/staff/auth/login/?next=/x&q={QUERY_SECRET}",
                REMOTE_ADDR=address,
                HTTP_USER_AGENT=USER_AGENT,
                HTTP_X_FORWARDED_FOR=address,
            )
        client.get(f"/no-such-page?q={QUERY_SECRET}", REMOTE_ADDR=CLIENT_IP, HTTP_USER_AGENT=USER_AGENT)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "GET /staff/auth/login/ 200" in logged  # the line is there ...
    for revealing in (CLIENT_IP, CLIENT_IPV6, "RevealingPhone", QUERY_SECRET):
        assert revealing not in logged  # ... without what would identify the visitor


def test_views_never_see_the_client_address(rf):
    from django.http import HttpResponse

    from hedershus.core.middleware import RequestContextMiddleware

    seen = {}

    def view(request):
        seen.update(request.META)
        return HttpResponse()

    request = rf.get("/", REMOTE_ADDR=CLIENT_IP, HTTP_USER_AGENT=USER_AGENT)
    RequestContextMiddleware(view)(request)
    assert "REMOTE_ADDR" not in seen
    assert "HTTP_USER_AGENT" not in seen


def test_redaction_filter_removes_addresses_from_third_party_log_lines():
    record = logging.LogRecord(
        "uvicorn.error",
        logging.INFO,
        __file__,
        1,
        '%s - "WebSocket /ws/chat/" [accepted]',
        (f"{CLIENT_IP}:51234",),
        None,
    )
    RedactClientDataFilter().filter(record)
    assert CLIENT_IP not in record.getMessage()
    record = logging.LogRecord("x", logging.INFO, __file__, 1, f"peer [{CLIENT_IPV6}]:443 closed", None, None)
    RedactClientDataFilter().filter(record)
    assert "db8" not in record.getMessage()
