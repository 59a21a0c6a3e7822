"""The one family of errors services raise for the person using the platform.

A service raises an :class:`ApplicationError` (or a subclass) with a message written for
the user; :class:`hedershus.core.middleware.ApplicationErrorMiddleware` turns it into a 4xx
page or JSON body for views, and :class:`hedershus.core.consumers.BaseConsumer` into an
error frame for WebSockets. Programming errors (an unknown audit event type, a caller
passing nonsense) stay built-in exceptions and remain 500s: they are bugs, not answers.

``AccessDenied`` and ``NotFound`` also subclass Django's ``PermissionDenied`` and ``Http404``
so code that already handles those (Django's own handlers, Wagtail's admin) keeps working.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.functional import Promise


class ApplicationError(Exception):
    """An expected failure with a message the user may read.

    ``message``: text (or a lazy translation) shown to the user as is, so it must not
    reveal more than the user may know. ``extra``: small JSON-safe details for JSON
    clients and error frames (field names, an id the client sent), never personal data.
    ``status``: the HTTP status a view answers with (a 4xx).
    """

    status: ClassVar[int] = 400
    code: ClassVar[str] = "invalid"

    def __init__(self, message: str | Promise, *, extra: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra or {}

    def __str__(self) -> str:
        return str(self.message)


class InvalidInput(ApplicationError):
    """What the user sent cannot be accepted (400)."""

    status = 400
    code = "invalid"


class AccessDenied(ApplicationError, PermissionDenied):
    """The user may not do this (403)."""

    status = 403
    code = "forbidden"


class NotFound(ApplicationError, Http404):
    """The object does not exist, or the user may not know that it does (404)."""

    status = 404
    code = "not_found"


class Conflict(ApplicationError):
    """The object's current state does not allow this (409), e.g. already in review."""

    status = 409
    code = "conflict"
