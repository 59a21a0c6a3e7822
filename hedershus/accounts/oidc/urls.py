"""allauth's OpenID Connect URL patterns (same names and prefix), with the strict views."""

from __future__ import annotations

from allauth.socialaccount import app_settings
from django.urls import URLPattern, URLResolver, include, path, re_path

from hedershus.accounts.oidc import views

urlpatterns: list[URLPattern | URLResolver] = [
    re_path(
        r"^(?P<provider_id>[^/]+)/",
        include(
            [
                path("login/", views.login, name="openid_connect_login"),
                path("login/callback/", views.callback, name="openid_connect_callback"),
            ]
        ),
    )
]

if app_settings.OPENID_CONNECT_URL_PREFIX:
    urlpatterns = [path(f"{app_settings.OPENID_CONNECT_URL_PREFIX}/", include(urlpatterns))]
