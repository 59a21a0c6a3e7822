"""Document downloads (issue 7, items 12 and 13).

Every document is served the same way, to visitors and editors alike: as a download
(``Content-Disposition: attachment``) named ``document-<id>.<ext>``, with the Content-Type
of its checked kind, no-store, ``nosniff`` and a CSP that forbids everything. Nothing opens
in a browser tab, so no tab title, file name or PDF title reaches the history; the name
saved on the device says nothing (docs/safety.md, "Documents").
"""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET

from hedershus.cms.document_selectors import document_for_download
from hedershus.cms.documents import CONTENT_TYPES, extension_of


@require_GET
def document(request: HttpRequest, document_id: int) -> FileResponse:
    """``/documents/<id>/``: the file, if the user may have it (``document_for_download``); else 404."""
    doc = document_for_download(request.user, document_id)
    if doc is None:
        raise Http404
    extension = extension_of(doc.file.name)
    # A document stored before uploads were checked may have another type: never let the
    # browser guess or render it.
    content_type = CONTENT_TYPES.get(extension, "application/octet-stream")
    if extension not in CONTENT_TYPES:
        extension = "bin"
    try:
        handle = doc.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle, as_attachment=True, filename=f"document-{doc.pk}.{extension}", content_type=content_type
    )
    # Even if a browser rendered it, nothing in it could run or load.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def document_by_name(request: HttpRequest, document_id: int, document_filename: str = "") -> HttpResponse:
    """Wagtail's ``/documents/serve/<id>/<file name>`` (the admin links there): the same
    document under the neutral path, so no file name is ever served or kept in a history."""
    return redirect("cms_document", document_id)
