"""allauth's OpenID Connect login and callback views with ``EidOAuth2Adapter``."""

from __future__ import annotations

from allauth.account.internal.decorators import login_not_required
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from django.http import Http404, HttpRequest, HttpResponse

from hedershus.accounts.eid_provider import EidOAuth2Adapter


@login_not_required
def login(request: HttpRequest, provider_id: str) -> HttpResponse:
    """Starts an e-ID sign-in (POST; a GET shows a page with a button)."""
    try:
        view = OAuth2LoginView.adapter_view(EidOAuth2Adapter(request, provider_id))
        response: HttpResponse = view(request)
    except SocialApp.DoesNotExist as exc:
        raise Http404 from exc
    return response


@login_not_required
def callback(request: HttpRequest, provider_id: str) -> HttpResponse:
    """Where the provider sends the browser back with a code."""
    try:
        view = OAuth2CallbackView.adapter_view(EidOAuth2Adapter(request, provider_id))
        response: HttpResponse = view(request)
    except SocialApp.DoesNotExist as exc:
        raise Http404 from exc
    return response
