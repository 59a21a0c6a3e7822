"""Document downloads for visitors, under /documents/: outside /staff/, so no sign-in is needed."""

from django.urls import include, path
from wagtail.documents import urls as wagtaildocs_urls

from hedershus.cms import views

urlpatterns = [
    # The path public pages link to: it does not carry the file name.
    path("<int:document_id>/", views.document, name="cms_document"),
    # Wagtail's own serve path, which the admin links to.
    path("", include(wagtaildocs_urls)),
]
