"""The real URLs plus a public and a staff page that fail, for the 500 tests."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from hedershus import urls as real_urls

handler404 = real_urls.handler404
handler500 = real_urls.handler500


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("broken on purpose")


urlpatterns = [path("sv/broken/", broken), path("staff/broken/", broken), *real_urls.urlpatterns]

__all__ = ["handler404", "handler500", "urlpatterns"]
