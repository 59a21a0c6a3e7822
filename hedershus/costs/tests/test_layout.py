"""The agreement page fits a 360 px wide phone, laid out by Chromium (issue: the tester measured
469 px with a long part name).

The page is rendered by Django's test client (signed in as an administrator, in Swedish) and
handed to Chromium with the app's own stylesheets, served from the static files finders, so no
server is needed. A control measures the same page with a part name that cannot wrap wider
than the phone inside the table's scroll region, to prove the measurement looks inside it.
"""

from __future__ import annotations

import mimetypes
import os
import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from conftest import sign_in
from hedershus.core.access import Role
from hedershus.costs import services
from hedershus.costs.tests.helpers import agreement_make

pytestmark = [pytest.mark.django_db, pytest.mark.e2e]

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
PHONE = {"width": 360, "height": 740}
# A part name long enough to need more than a phone's width in its table (words that wrap).
LONG_PART = "Gemensam utbildningsinsats för skolkuratorer och socialsekreterare i länets alla kommuner"
ORIGIN = "http://costs.test"


def _chromium() -> Any:
    playwright = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Browser layout tests need {CHROMIUM}")
    return playwright.sync_playwright


def _measure(html: str) -> dict[str, Any]:
    """Lays out ``html`` at 360x740 and returns the page's width and the elements past it."""
    sync_playwright = _chromium()

    def serve(route: Any) -> None:
        path = route.request.url.removeprefix(ORIGIN).split("?", 1)[0]
        if path == "/page":
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)
            return
        found = finders.find(path.removeprefix("/static/")) if path.startswith("/static/") else None
        if not found:
            route.fulfill(status=404, body="")
            return
        kind = mimetypes.guess_type(str(found))[0] or "application/octet-stream"
        route.fulfill(status=200, content_type=kind, body=Path(str(found)).read_bytes())

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"], headless=True
        )
        try:
            page = browser.new_page(viewport=PHONE)
            page.route("**/*", serve)
            page.goto(f"{ORIGIN}/page")
            page.wait_for_load_state("load")
            return dict(
                page.evaluate(
                    """() => ({
                      width: document.documentElement.scrollWidth,
                      styled: getComputedStyle(document.querySelector('.table-scroll')).overflowX,
                      regionWidth: document.querySelector('.table-scroll').scrollWidth,
                      past: [...document.querySelectorAll('body *')]
                        .filter(e => e.getBoundingClientRect().right > 360.5)
                        .filter(e => !e.closest('.table-scroll')
                                     || getComputedStyle(e).position === 'absolute')
                        .map(e => e.tagName + '.' + e.className),
                    })"""
                )
            )
        finally:
            browser.close()


def _agreement_page(client: Any, cast: Any, part_name: str) -> str:
    admin = cast[Role.ADMINISTRATOR]
    agreement = agreement_make(admin)
    services.part_add(
        user=admin, agreement_id=agreement.pk, name=part_name, amount=1_000, first_year=2012, last_year=2014
    )
    sign_in(client, admin)
    response = client.get(
        reverse("costs:agreement", kwargs={"agreement_id": agreement.pk}), HTTP_ACCEPT_LANGUAGE="sv"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert part_name in html
    # The stylesheets are fetched from the same made-up origin as the page.
    return re.sub(r'(href|src)="/', rf'\1="{ORIGIN}/', html)


def test_the_agreement_page_with_a_long_part_name_fits_a_phone(client, cast):
    measured = _measure(_agreement_page(client, cast, LONG_PART))
    assert measured["styled"] == "auto"  # the stylesheets did load
    assert measured["width"] <= 360, f"{measured['width']} px wide; past 360 px: {measured['past']}"


def test_control_a_table_wider_than_the_phone_is_seen_inside_its_scroll_region(client, cast):
    unbreakable = "Utbildningsinsatsförskolkuratorerochsocialsekreterareilänetsallakommuner"
    measured = _measure(_agreement_page(client, cast, unbreakable))
    assert measured["regionWidth"] > 360  # the table is wider than the phone ...
    assert measured["width"] <= 360  # ... and scrolls inside its region, not the page


def test_the_parts_tables_header_cells_all_have_visible_text(client, cast):
    html = _agreement_page(client, cast, LONG_PART)
    region = html.split('aria-labelledby="parts-heading" tabindex="0"', 1)[1].split("</table>", 1)[0]
    head = region.split("<thead>", 1)[1].split("</thead>", 1)[0]
    assert "visually-hidden" not in region
    assert '<th scope="col">Åtgärder</th>' in head
