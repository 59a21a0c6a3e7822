"""The platform's URLs plus ``/bench/bare``, a view that renders nothing: the yardstick the
public pages are measured against in ``bench/public_pages.py``. Benchmark-only."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from hedershus.urls import handler404, handler500
from hedershus.urls import urlpatterns as platform_urlpatterns

__all__ = ["handler404", "handler500", "urlpatterns"]


def bare(request: HttpRequest) -> HttpResponse:
    """A bare Django view: the same server and middleware as a page, no database, no template."""
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/bare", bare), *platform_urlpatterns]
