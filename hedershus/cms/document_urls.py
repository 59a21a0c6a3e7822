"""Document downloads for visitors, under /documents/: outside /staff/, so no sign-in is needed.

Only neutral paths: ``/documents/<id>/`` serves (hedershus/cms/document_views.py), and
Wagtail's ``/documents/serve/<id>/<file name>`` (which the admin links to, by this URL name)
redirects there, so a file name never appears in a visitor's history.
"""

from django.urls import path, re_path
from wagtail.documents.views.serve import authenticate_with_password

from hedershus.cms import document_views

urlpatterns = [
    path("<id:document_id>/", document_views.document, name="cms_document"),
    re_path(
        r"^serve/(?P<document_id>\d+)/(?P<document_filename>.*)$",
        document_views.document_by_name,
        name="wagtaildocs_serve",
    ),
    # Wagtail reverses this name for private collections; the platform has none, but keep it resolvable.
    path(
        "authenticate_with_password/<id:restriction_id>/",
        authenticate_with_password,
        name="wagtaildocs_authenticate_with_password",
    ),
]
