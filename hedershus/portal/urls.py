"""Public pages, inside ``i18n_patterns`` (see hedershus/urls.py): /sv/…, /en/…, /ar/….

Paths are neutral words on purpose: they end up in the browser's history (R12).
"""

from django.urls import path

from hedershus.cms import views as cms_views
from hedershus.portal import views

app_name = "portal"

urlpatterns = [
    path("info/", views.safety, name="safety"),
    # The knowledge bank's search (filters, results) in the shell's place.
    path("search/", cms_views.search, name="search"),
    path("display/", views.display, name="display"),
    # The CMS's home page for the language, under the shell's name for it.
    path("", cms_views.home, name="home"),
]
