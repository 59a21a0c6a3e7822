"""Reasoned access for every case page (R20): ``CaseReasonRequired`` becomes a redirect to the
reason form (``cases:reason``) with ``next`` set to where the user was going.

The case apps (journal, assessments, case_documents) call
``selectors.case_get_for_user(request.user, case_id)`` and let ``CaseReasonRequired``
propagate. Either wrap their views in ``case_view`` or, for all of them at once, list
``CaseReasonRequiredMiddleware`` in ``MIDDLEWARE`` *after*
``core.middleware.ApplicationErrorMiddleware`` (``process_exception`` runs bottom-up, so it
sees the exception first). Without either, the user gets the 403 page with the message.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from hedershus.cases.selectors import CaseReasonRequired

View = Callable[..., HttpResponse]


def case_pages_prefix(case_id: int) -> str:
    """The path every page of case ``case_id`` starts with (the case page and its apps')."""
    return reverse("cases:detail", kwargs={"case_id": case_id})


def reason_redirect(request: HttpRequest, error: CaseReasonRequired) -> HttpResponse:
    """To the reason form, coming back to this page after (a GET's own address; after a
    POST, the case page: a form's post is not replayed)."""
    case_id = error.case.pk
    target = request.get_full_path() if request.method == "GET" else case_pages_prefix(case_id)
    query = urlencode({"next": target})
    return HttpResponseRedirect(f"{reverse('cases:reason', kwargs={'case_id': case_id})}?{query}")


def safe_next(request: HttpRequest, case_id: int, value: str | None) -> str:
    """``value`` if it is a page of this case on this site, else the case page: the reason
    form never redirects elsewhere (an open redirect would be a phishing aid)."""
    prefix = case_pages_prefix(case_id)
    if (
        value
        and value.startswith(prefix)
        and ".." not in value
        and value.isascii()
        and value.isprintable()
        and " " not in value  # no control character or space can reach the Location header
        and "\\" not in value
        and url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()}, require_https=False)
    ):
        return value
    return prefix


def case_view(view: View) -> View:
    """A view decorator: ``CaseReasonRequired`` raised inside becomes ``reason_redirect``."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except CaseReasonRequired as error:
            return reason_redirect(request, error)

    return wrapped


class CaseReasonRequiredMiddleware:
    """The same for every view: ``hedershus.cases.access.CaseReasonRequiredMiddleware``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """Answers ``CaseReasonRequired``; anything else goes on to the next handler."""
        if isinstance(exception, CaseReasonRequired):
            return reason_redirect(request, exception)
        return None
