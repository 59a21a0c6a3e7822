"""Public views of the CMS: Wagtail pages, the neutral page and document paths, and search."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods
from wagtail import views as wagtail_views
from wagtail.models import Locale, Page

from hedershus.cms.forms import PortalSearchForm
from hedershus.cms.page_cache import cached_public_page
from hedershus.cms.selectors import (
    SearchFilters,
    content_locale_for_request,
    pages_search,
    search_next_steps,
)


@cached_public_page
def home(request: HttpRequest) -> HttpResponse:
    """The home page of the visitor's language (the default language's where there is none)."""
    return wagtail_views.serve(request, "")


@cached_public_page
def serve(request: HttpRequest, path: str) -> HttpResponse:
    return wagtail_views.serve(request, path)


@require_GET
@cached_public_page
def page_by_id(request: HttpRequest, page_id: int) -> HttpResponse:
    """A live page under a path that names nothing (``/sv/p/42/``), for discreet mode (R12).

    Asked for in another language (the language switcher keeps the path), it leads to the
    page's translation where one is live.
    """
    page = Page.objects.live().public().filter(depth__gt=1, pk=page_id).first()
    if page is None:
        raise Http404
    active = Locale.get_active()
    if page.locale_id != active.pk:
        translated = page.get_translation_or_none(active)
        if translated is not None and translated.live:
            return redirect("cms_page", translated.pk)
    response: HttpResponse = page.specific.serve(request)
    return response


@csrf_exempt  # a search changes nothing; without a token, searching needs no session cookie
@require_http_methods(["GET", "POST"])
def search(request: HttpRequest) -> HttpResponse:
    """Search over the published pages in the visitor's language (R2).

    Terms come by POST only, so they never appear in an address, a history list or a log;
    the answer is the results page itself, never a redirect.
    """
    if request.method == "POST":
        form = PortalSearchForm(request.POST)
        if form.is_valid():
            locale = content_locale_for_request(request)
            results = pages_search(
                form.cleaned_data["q"],
                locale,
                SearchFilters.from_data(form.cleaned_data),
                form.cleaned_data.get("page") or 1,
            )
            context = {"search_form": form, "searched": True, "results": results}
            if not results.found:
                context["next_audiences"], context["next_contact"] = search_next_steps(locale)
            return render(request, "cms/search.html", context)
        return render(request, "cms/search.html", {"search_form": form}, status=400)
    return render(request, "cms/search.html", {"search_form": PortalSearchForm()})
