"""Test helpers for access rules, for every app's tests.

- ``for_every_role`` / ``for_roles_with(capability)`` / ``for_roles_without(capability)``:
  parametrise a test (argument ``role``) over the ``Role`` enum, so a new role joins every
  matrix by itself. The root ``conftest.py`` adds the ``cast`` fixture: one user per role.
- ``object_url`` and ``outsider_test``: healthchecks' ``test_it_checks_ownership`` for every
  URL that names an object. An app registers, in ``<app>/tests/test_object_urls.py``, how to
  build an object and the people who must not see it; ``outsider_test`` checks that each of
  them gets 404 while a control request (someone who may see an object) does not.
  ``core/tests/test_object_urls.py`` fails for any URL with a parameter that is not
  registered there (or exempted with a reason).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest

from hedershus.core.access import Role, roles_with, roles_without

for_every_role = pytest.mark.parametrize("role", list(Role), ids=str)


def for_roles_with(capability: str) -> pytest.MarkDecorator:
    """Parametrises ``role`` over every role that grants ``capability``."""
    return pytest.mark.parametrize("role", roles_with(capability), ids=str)


def for_roles_without(capability: str) -> pytest.MarkDecorator:
    """Parametrises ``role`` over every role that does not grant ``capability``."""
    return pytest.mark.parametrize("role", roles_without(capability), ids=str)


@dataclass(frozen=True)
class Scenario:
    """An object some people must not see, and a control request that must succeed.

    ``kwargs``: the URL's arguments naming the hidden object. ``outsiders``: who must get
    404 for it (``None`` is an anonymous visitor). ``control_user`` and ``control_kwargs``
    (default: ``kwargs``): a request that must not get 404, so a 404 from a broken URL or
    fixture cannot pass for a refusal.
    """

    kwargs: dict[str, Any]
    outsiders: Sequence[Any]
    control_user: Any
    control_kwargs: dict[str, Any] | None = None


Builder = Callable[[pytest.FixtureRequest], Scenario]


@dataclass(frozen=True)
class ObjectURL:
    name: str
    build: Builder
    method: str = "get"
    data: dict[str, Any] = field(default_factory=dict)
    module: str = ""


# Every registered object URL, by URL name (filled when the apps' test modules are imported).
OBJECT_URLS: dict[str, ObjectURL] = {}


def object_url(
    name: str, *, method: str = "get", data: dict[str, Any] | None = None
) -> Callable[[Builder], Builder]:
    """Registers ``builder`` as the outsider scenario of URL ``name`` (``"staff:user_detail"``)."""

    def register(builder: Builder) -> Builder:
        if name in OBJECT_URLS and OBJECT_URLS[name].module != builder.__module__:
            raise ValueError(f"{name} is registered twice")
        OBJECT_URLS[name] = ObjectURL(name, builder, method, data or {}, builder.__module__)
        return builder

    return register


def _fetch(client: Any, entry: ObjectURL, kwargs: dict[str, Any]) -> Any:
    from django.urls import reverse

    return getattr(client, entry.method)(reverse(entry.name, kwargs=kwargs), entry.data)


def _as(request: pytest.FixtureRequest, client: Any, user: Any) -> None:
    client.logout()
    if user is not None:
        request.getfixturevalue("signed_in")(user)


def outsider_test(module: str) -> Callable[..., None]:
    """A test, parametrised over the object URLs ``module`` registered: every outsider gets
    404, and the control request does not. Assign it to a ``test_`` name in that module."""
    names = sorted(name for name, entry in OBJECT_URLS.items() if entry.module == module)

    @pytest.mark.django_db
    @pytest.mark.parametrize("name", names)
    def test_an_outsider_gets_404(name: str, client: Any, request: pytest.FixtureRequest) -> None:
        entry = OBJECT_URLS[name]
        scenario = entry.build(request)
        assert scenario.outsiders, f"{name}: no outsider to test"
        for outsider in scenario.outsiders:
            _as(request, client, outsider)
            response = _fetch(client, entry, scenario.kwargs)
            assert response.status_code == 404, (name, str(outsider), response.status_code)
        _as(request, client, scenario.control_user)
        control = _fetch(client, entry, scenario.control_kwargs or scenario.kwargs)
        assert control.status_code != 404, (name, "control", control.status_code)

    return test_an_outsider_gets_404
