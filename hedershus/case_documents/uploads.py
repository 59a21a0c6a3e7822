"""Uploads kept in memory only: a case document's plaintext never touches the disk.

Django writes an upload above ``FILE_UPLOAD_MAX_MEMORY_SIZE`` (2.5 MB) to a temporary file,
unencrypted, in the system's temporary directory, where a crash or a full disk can leave it.
The upload views install ``MemoryOnlyUploadHandler`` instead (before the body is read), so
the bytes stay in the process until they are checked and encrypted. It stops reading files
past ``upload_limit()`` bytes in all (counted over every file of the request, so a post with
many files cannot hold many times the limit in memory) and marks the request
(``upload_too_large``) so the view can say so; the proxy's body limit (docs/operations.md,
``DOCUMENT_MAX_BYTES``) stops larger bodies before they arrive.
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadhandler import MemoryFileUploadHandler, SkipFile
from django.http import HttpRequest

from hedershus.cms.documents import max_bytes as document_max_bytes


def upload_limit() -> int:
    """The most bytes of one file read into memory: the largest file any kind accepts."""
    return document_max_bytes()


class MemoryOnlyUploadHandler(MemoryFileUploadHandler):
    """Django's in-memory handler, active whatever the size, refusing files past the limit
    (the files of one request together)."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self._received = 0

    def handle_raw_input(self, *args: Any, **kwargs: Any) -> None:
        self.activated = True

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self._received += len(raw_data)
        if self._received > upload_limit():
            if self.request is not None:
                self.request.upload_too_large = True  # type: ignore[attr-defined]
            raise SkipFile
        return super().receive_data_chunk(raw_data, start)


def memory_only_uploads(request: HttpRequest) -> None:
    """Makes ``request`` keep uploaded files in memory (call before ``request.POST`` is read)."""
    request.upload_handlers = [MemoryOnlyUploadHandler(request)]
