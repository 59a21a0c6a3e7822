"""Public CMS paths, inside ``i18n_patterns`` after the shell's own (see hedershus/urls.py).

No namespace: Wagtail reverses ``wagtail_serve`` by that name to build page URLs.
"""

from django.urls import path, re_path

from hedershus.cms import views
from hedershus.core.paths import STAFF_URL_PREFIX

# Wagtail's pattern (path segments ending in "/"), except what lives outside the language
# prefix: without the exception, Django's LocaleMiddleware would answer an unknown /staff/…
# path with a redirect to /sv/staff/… instead of a plain "not found".
SERVE_PATTERN = rf"^(?!{STAFF_URL_PREFIX}|documents/)((?:[\w\-]+/)*)$"

urlpatterns = [
    path("p/<id:page_id>/", views.page_by_id, name="cms_page"),
    # Wagtail's page serving only: its "_util/login/" would be a second sign-in form.
    re_path(SERVE_PATTERN, views.serve, name="wagtail_serve"),
]
