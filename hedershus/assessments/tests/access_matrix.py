"""This app's staff URLs in the access matrix (core/tests/test_access_matrix.py).

``entries()`` maps each URL name to the arguments of the matrix's ``Entry``: ``allowed`` (the
roles that reach the page), and as needed ``method``, ``ok_statuses`` and ``object_kwargs``
(a function of the matrix's target user returning the URL's arguments; for a case's pages it
must build a case the signed-in role may open, e.g. by assigning every user who handles
cases, since the outsider tests in test_object_urls.py cover those who may not).
"""

from __future__ import annotations

from typing import Any


def entries() -> dict[str, dict[str, Any]]:
    return {}
