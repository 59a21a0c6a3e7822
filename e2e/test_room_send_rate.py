"""room.js above the room's send rate (H2 of issue 9): a "rate_limited" answer keeps the message
pending, marked "not sent yet", and room.js sends it (and what was written meanwhile) again by
itself, in order, after retry_after. The server's limit itself is tested in
hedershus/messaging/tests (service, form post, socket); here the socket is routed through
Playwright so the first send gets the refusal without lowering the shared server's limit."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 740}


def test_a_rate_limited_message_waits_in_the_list_and_is_sent_by_itself(
    context_factory: Any, server: Any
) -> None:
    page = context_factory(viewport=PHONE, locale="en-US").new_page()
    refused: list[str] = []

    def route(ws: Any) -> None:
        upstream = ws.connect_to_server()

        def from_page(message: str | bytes) -> None:
            frame = json.loads(message)
            if frame.get("type") == "send" and not refused:
                refused.append(frame["client_id"])
                ws.send(
                    json.dumps(
                        {
                            "type": "error",
                            "error": "rate_limited",
                            "message": "You are sending messages very fast.",
                            "retry_after": 2,
                            "client_id": frame["client_id"],
                        }
                    )
                )
                return
            upstream.send(message)

        ws.on_message(from_page)
        upstream.on_message(lambda message: ws.send(message))

    page.route_web_socket("**/ws/room/**", route)
    page.goto(server.url("/en/room/open/"))
    page.get_by_role("button", name="Open a room").click()
    page.get_by_role("link", name="I have written it down: go to my room").click()
    page.locator("[data-thread][data-live=on]").wait_for()
    thread = page.locator("[data-thread]")

    page.get_by_label("Your message").fill("He is outside the door")
    page.get_by_role("button", name="Send").click()
    first = thread.locator("li.message-visitor", has_text="He is outside the door")
    first.locator(".message-state", has_text="Not sent yet: you are sending very fast").wait_for()
    # Written while the first waits: it waits too, and goes after it.
    page.get_by_label("Your message").fill("Please answer")
    page.get_by_role("button", name="Send").click()
    second = thread.locator("li.message-visitor", has_text="Please answer")
    second.locator(".message-state", has_text="Not sent yet").wait_for()

    sent = re.compile(r"^Sent$")  # has_text alone would also match "Not sent yet"
    first.locator(".message-state", has_text=sent).wait_for(timeout=15_000)
    second.locator(".message-state", has_text=sent).wait_for(timeout=15_000)
    assert refused and first.get_attribute("data-client-id") == refused[0]
    # In the order written (an automatic answer outside opening hours may come between).
    assert 1 == int(first.get_attribute("data-seq") or 0) < int(second.get_attribute("data-seq") or 0)
    # After a reload the server's list has both, in that order: nothing was lost.
    page.reload()
    texts = thread.locator("li.message-visitor .message-text").all_inner_texts()
    assert texts == ["He is outside the door", "Please answer"]
