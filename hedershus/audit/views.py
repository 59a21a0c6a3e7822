from django.http import HttpRequest, HttpResponse


def event_search(request: HttpRequest) -> HttpResponse:  # replaced by the audit UI
    raise NotImplementedError


def event_export(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError
