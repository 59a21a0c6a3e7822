"""A service's ApplicationError reaches the user as a 4xx with its message, never a 500."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf.urls.i18n import i18n_patterns
from django.http import HttpRequest, HttpResponse
from django.urls import path

from hedershus import urls as project_urls
from hedershus.core.exceptions import AccessDenied, ApplicationError, Conflict, InvalidInput, NotFound

ERRORS: dict[str, ApplicationError] = {
    "invalid": InvalidInput("The date must be in the future."),
    "denied": AccessDenied("Administrators cannot change their own role."),
    "missing": NotFound("There is no such conversation."),
    "conflict": Conflict("This page is already in review."),
    "base": ApplicationError("That did not work."),
}
STATUS = {"invalid": 400, "denied": 403, "missing": 404, "conflict": 409, "base": 400}


def _service(kind: str) -> None:
    raise ERRORS[kind]


def _view(request: HttpRequest, kind: str) -> HttpResponse:
    _service(kind)
    return HttpResponse("unreachable")


urlpatterns = [
    path("staff/test-error/<str:kind>/", _view),
    *i18n_patterns(path("test-error/<str:kind>/", _view), prefix_default_language=True),
    *project_urls.urlpatterns,
]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


@pytest.mark.parametrize("kind", sorted(ERRORS))
@pytest.mark.parametrize("prefix", ["/staff/", "/sv/"])
def test_a_service_error_becomes_its_status_and_message_on_a_page(
    client: Any, kind: str, prefix: str
) -> None:
    response = client.get(f"{prefix}test-error/{kind}/")
    assert response.status_code == STATUS[kind]
    assert response["Content-Type"].startswith("text/html")
    assert str(ERRORS[kind].message) in response.content.decode()


def test_a_public_error_page_keeps_the_public_layout_with_the_quick_exit(client: Any) -> None:
    body = client.get("/sv/test-error/denied/").content.decode()
    assert 'class="quick-exit" href="/exit"' in body
    assert "staff-header" not in body


def test_a_staff_error_page_has_the_staff_layout(client: Any) -> None:
    body = client.get("/staff/test-error/denied/").content.decode()
    assert "staff-header" in body


@pytest.mark.parametrize("kind", sorted(ERRORS))
def test_a_json_request_gets_the_error_as_json(client: Any, kind: str) -> None:
    response = client.get(f"/staff/test-error/{kind}/", headers={"Accept": "application/json"})
    assert response.status_code == STATUS[kind]
    assert response.json() == {"error": ERRORS[kind].code, "message": str(ERRORS[kind].message)}


def test_access_denied_is_still_a_django_permission_denied() -> None:
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    assert isinstance(AccessDenied("x"), PermissionDenied)
    assert isinstance(NotFound("x"), Http404)


def test_other_exceptions_are_left_to_django(client: Any) -> None:
    client.raise_request_exception = False
    assert client.get("/staff/test-error/unknown-kind/").status_code == 500
