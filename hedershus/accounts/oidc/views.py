"""allauth's OpenID Connect login and callback views with ``EidOAuth2Adapter``."""

from __future__ import annotations

import requests
from allauth.account.internal.decorators import login_not_required
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from hedershus.accounts.eid_provider import EidOAuth2Adapter


def _run(
    view_class: type[OAuth2LoginView] | type[OAuth2CallbackView], request: HttpRequest, provider_id: str
) -> HttpResponse:
    """allauth's ``view_class`` with ``EidOAuth2Adapter``: an unknown provider is 404, and a
    provider that does not answer (its discovery document, keys or token endpoint) gets the
    neutral e-ID page with 502 and a recorded refusal, instead of a server error."""
    from hedershus.accounts import services

    try:
        response: HttpResponse = view_class.adapter_view(EidOAuth2Adapter(request, provider_id))(request)
    except SocialApp.DoesNotExist as exc:
        raise Http404 from exc
    except requests.RequestException:
        services.eid_refused_record(reason="provider_unreachable")
        return render(request, "socialaccount/authentication_error.html", status=502)
    return response


@login_not_required
def login(request: HttpRequest, provider_id: str) -> HttpResponse:
    """Starts an e-ID sign-in (POST; a GET shows a page with a button)."""
    return _run(OAuth2LoginView, request, provider_id)


@login_not_required
def callback(request: HttpRequest, provider_id: str) -> HttpResponse:
    """Where the provider sends the browser back with a code."""
    return _run(OAuth2CallbackView, request, provider_id)
