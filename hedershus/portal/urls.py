"""Public pages, inside ``i18n_patterns`` (see hedershus/urls.py): /sv/…, /en/…, /ar/….

Paths are neutral words on purpose: they end up in the browser's history (R12). The shell's
home page and search are the CMS's views; hedershus/urls.py adds them to this namespace, so
the shell never imports the CMS.
"""

from django.urls import path

from hedershus.portal import views

app_name = "portal"

urlpatterns = [
    path("info/", views.safety, name="safety"),
    path("display/", views.display, name="display"),
]
