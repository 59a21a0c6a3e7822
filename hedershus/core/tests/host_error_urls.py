"""A view whose error message quotes the request's Host header, for the log redaction tests."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from hedershus import urls as real_urls

handler500 = real_urls.handler500


def broken_with_host(request: HttpRequest) -> HttpResponse:
    raise RuntimeError(f"no link for {request.get_host()}")


urlpatterns = [path("broken-with-host/", broken_with_host)]
