"""The reason form's ``next``: whatever a stranger puts there, it leads to a page of this case
on this site (no open redirect)."""

from __future__ import annotations

from django.test import RequestFactory
from django.utils.http import url_has_allowed_host_and_scheme
from hypothesis import given
from hypothesis import strategies as st

from hedershus.cases.access import safe_next

PREFIX = "/staff/cases/5/"
REQUEST = RequestFactory().get("/", HTTP_HOST="testserver")


@given(st.one_of(st.text(max_size=60), st.text(max_size=40).map(lambda tail: PREFIX + tail)))
def test_next_is_always_a_page_of_this_case_on_this_site(value):
    target = safe_next(REQUEST, 5, value)
    assert target.startswith(PREFIX)
    assert ".." not in target and "\\" not in target
    assert target.isascii() and target.isprintable() and " " not in target
    assert url_has_allowed_host_and_scheme(target, allowed_hosts={"testserver"})


def test_a_page_of_the_case_is_kept():
    assert safe_next(REQUEST, 5, PREFIX + "journal/?page=2") == PREFIX + "journal/?page=2"
    assert safe_next(REQUEST, 5, "/staff/cases/50/") == PREFIX
    assert safe_next(REQUEST, 5, None) == PREFIX
    assert safe_next(REQUEST, 5, PREFIX + "\r\nSet-Cookie: x=1") == PREFIX
