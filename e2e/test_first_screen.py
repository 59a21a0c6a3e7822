"""The phone's first screen holds the way to help (issue 7, item 20): on a 360 x 740 screen the
start page shows the quick exit, the four audiences as links, the way to contact the centre
and 112 without scrolling, in every language. Screenshots go to e2e/artifacts/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 740}
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
LANGUAGES = ["sv", "en", "ar", "fa", "so", "ckb", "ti", "tr"]  # settings.LANGUAGES
AUDIENCES = "nav.first-screen a[data-audience]"
FIRST_SCREEN = [
    "a.quick-exit",
    AUDIENCES,
    "nav.first-screen a.contact-link",
    "nav.first-screen a[href='tel:112']",
]


def not_on_the_first_screen(page: Any) -> list[str]:
    """Each expected element that is missing, hidden or not wholly inside the first viewport."""
    problems = []
    for selector in FIRST_SCREEN:
        elements = page.locator(selector).all()
        if not elements:
            problems.append(f"{selector}: missing")
        for element in elements:
            box = element.bounding_box()
            if box is None or not element.is_visible():
                problems.append(f"{selector}: not visible")
            elif (
                box["y"] < 0
                or box["y"] + box["height"] > PHONE["height"]
                or box["x"] < 0
                or box["x"] + box["width"] > PHONE["width"]
            ):
                problems.append(f"{selector}: at {box}")
    return problems


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_first_screen_holds_the_quick_exit_the_audiences_contact_and_112(
    context_factory: Any, server: Any, language: str
) -> None:
    page = context_factory(viewport=PHONE).new_page()
    page.goto(server.url(f"/{language}/"))
    assert page.locator(AUDIENCES).count() == 4
    assert not_on_the_first_screen(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "sideways scrolling"
    if language in ("sv", "ar", "fa"):
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"first-screen-{language}.png"))

    # Control: with something tall above them, the same check reports every one of them
    # except the quick exit, which stays fixed at the top.
    page.evaluate(
        """() => {
          const spacer = document.createElement("div");
          spacer.style.height = "800px";
          document.querySelector("main").prepend(spacer);
        }"""
    )
    pushed = not_on_the_first_screen(page)
    assert len(pushed) == 6 and not [p for p in pushed if p.startswith("a.quick-exit")]


def test_the_audience_choices_and_contact_are_links_to_their_pages(context_factory: Any, server: Any) -> None:
    page = context_factory(viewport=PHONE).new_page()
    page.goto(server.url("/en/"))
    labels = page.locator(AUDIENCES).all_inner_texts()
    assert labels == [
        "I am controlled or threatened",
        "I am worried about someone close to me",
        "I want to stop using violence or control",
        "I meet this in my work",
    ]
    page.locator(AUDIENCES).first.click()
    page.wait_for_url("**/en/p/*/")
    assert page.locator("article.cms-page h1").is_visible()
    page.goto(server.url("/en/"))
    page.locator("nav.first-screen a.contact-link").click()
    page.wait_for_url("**/en/p/*/")
    assert page.locator(".page-facts.contact").is_visible()  # the contact page's details
