"""Shared checks for the portal's tests."""

from __future__ import annotations

from typing import Any

# Every public page the shell serves (the CMS adds its own pages and tests).
PUBLIC_PAGES = [
    "/sv/",
    "/en/",
    "/ar/",
    "/sv/info/",
    "/ar/info/",
    "/sv/search/",
    "/sv/display/",
    "/sv/no-such-page/",
]


def persistent_cookies(response: Any) -> list[str]:
    """Names of cookies the response sets to outlive the browser session.

    A deletion (Max-Age=0, an expiry in 1970) removes a cookie and is allowed.
    """
    found = []
    for name, morsel in response.cookies.items():
        deleting = str(morsel["max-age"]) == "0" or "1970" in str(morsel["expires"])
        if (morsel["max-age"] or morsel["expires"]) and not deleting:
            found.append(name)
    return found
