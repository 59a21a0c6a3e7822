from django.http import Http404, HttpRequest, HttpResponse
from django.urls import include, path

from hedershus.core import views as core_views


def _not_offered(request: HttpRequest) -> HttpResponse:
    """allauth pages this platform does not offer: e-mail changes go through an administrator."""
    raise Http404


urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("staff/auth/email/", _not_offered),
    path("staff/auth/", include("allauth.urls")),
    path("staff/audit/", include("hedershus.audit.urls")),
    path("staff/", include("hedershus.accounts.urls")),
]
