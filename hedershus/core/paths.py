"""Where staff pages live: everything under ``/staff/``, and nothing else.

Defined once, here: the URL conf mounts the staff apps under it, and the middleware, error
pages and the CMS admin's gate tell staff paths from public ones by it. Public pages get the
public layout (with the quick exit) and need no second factor; staff pages get neither.
"""

from __future__ import annotations

STAFF_PATH_PREFIX = "/staff/"
# The same prefix as the URL conf writes it (no leading slash).
STAFF_URL_PREFIX = STAFF_PATH_PREFIX.removeprefix("/")


def is_staff_path(path: str) -> bool:
    """Staff pages (sign-in, MFA, staff layout) live under ``/staff/``; everything else is public."""
    return path.startswith(STAFF_PATH_PREFIX)
