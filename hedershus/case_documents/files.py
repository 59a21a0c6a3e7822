"""Which files a case accepts, checked from their bytes (R19), reusing the platform's checks.

Accepted: PDF, pictures (JPEG, PNG), office documents (DOCX, XLSX, ODT) and plain text (TXT):
what reaches a centre about a case (letters, decisions, reports, photographs, notes). Not
accepted: other office kinds (PPTX, ODS, ODP), CSV (a cell can be a formula a spreadsheet
runs; XLSX covers tables), HEIC, archives, executables, HTML. Each kind is checked by the
code that already checks it elsewhere, so one rule holds everywhere:

- **PDF, DOCX, XLSX, ODT, TXT**: ``hedershus.cms.documents.document_check`` (the editors'
  documents): the bytes must be what the name's extension says (``filetype`` and a structural
  check: pypdf for PDF, the package's declared type for office files, UTF-8 without markup
  for text); PDFs with scripts or actions, encrypted PDFs and office files with macros or
  ActiveX are refused; metadata (author, title, producer) is removed; at most
  ``DOCUMENT_MAX_BYTES``.
- **JPEG, PNG**: ``hedershus.messaging.attachments.attachment_check`` (the visitors'
  pictures): re-encoded from the pixels alone, so EXIF (GPS: where a photo was taken, which
  in a case with protected identity is the very thing hidden), XMP and comments are dropped;
  at most ``ATTACHMENT_MAX_BYTES`` and 40 megapixels.

**Type from the bytes, name must agree.** The kind is what the bytes are; a file whose name
says another kind is refused, with a message naming what the bytes are (a PDF named
``.png`` is refused, always), so the stored extension and served Content-Type never disagree
with the contents and nobody is surprised by what opens. ``.jpeg`` counts as ``.jpg``.

What is stored and hashed is the checked, cleaned result, not the upload as sent.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import filetype
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from hedershus.case_documents.models import ACCEPTED_EXTENSIONS
from hedershus.cms.documents import CONTENT_TYPES as CMS_CONTENT_TYPES
from hedershus.cms.documents import DocumentRejected, document_check, extension_of
from hedershus.cms.documents import max_bytes as document_max_bytes
from hedershus.core.exceptions import InvalidInput
from hedershus.messaging.attachments import attachment_check
from hedershus.messaging.attachments import max_bytes as image_max_bytes

IMAGE_CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png"}
# Extension -> the Content-Type a download carries.
CONTENT_TYPES: dict[str, str] = {
    ext: IMAGE_CONTENT_TYPES.get(ext) or CMS_CONTENT_TYPES[ext] for ext in ACCEPTED_EXTENSIONS
}
_ALIASES = {"jpeg": "jpg"}


class DocumentRefused(InvalidInput):
    """A file a case does not accept; the message says why, for the staff member uploading."""

    code = "document_refused"


@dataclass(frozen=True)
class CheckedFile:
    """What is stored: the extension, the Content-Type served and the cleaned bytes."""

    extension: str
    content_type: str
    data: bytes

    @property
    def sha256(self) -> str:
        """SHA-256 of ``data`` in lower-case hex (64 characters)."""
        return hashlib.sha256(self.data).hexdigest()


def accepted_kinds() -> str:
    """The accepted kinds for a help text or message: "PDF, JPG, PNG, …"."""
    return ", ".join(ext.upper() for ext in ACCEPTED_EXTENSIONS)


def case_file_check(name: str, data: bytes) -> CheckedFile:
    """Checks an uploaded file for a case and returns what may be stored.

    ``name`` is the uploaded file's name (only its extension is used), ``data`` its bytes.
    Raises ``DocumentRefused`` (400) with a message for the uploader if the file is empty,
    too large, of a kind not accepted, not what its name says, damaged, encrypted, or
    carrying active content (scripts, macros, automatic actions, embedded files).
    """
    if not data:
        raise DocumentRefused(_("The file is empty."))
    extension = extension_of(name)
    extension = _ALIASES.get(extension, extension)
    if extension not in ACCEPTED_EXTENSIONS:
        raise DocumentRefused(
            _("Files of this kind are not accepted in a case. Accepted: %(types)s.")
            % {"types": accepted_kinds()}
        )
    if len(data) > _max_bytes(extension):
        raise DocumentRefused(
            _("The file is too large (%(size)s). The largest accepted is %(max)s.")
            % {"size": filesizeformat(len(data)), "max": filesizeformat(_max_bytes(extension))}
        )
    guessed = filetype.guess(data)
    found = _ALIASES.get(guessed.extension, guessed.extension) if guessed is not None else None
    if extension in IMAGE_CONTENT_TYPES:
        if found != extension:
            raise _mismatch(extension, found)
        try:
            checked = attachment_check(data)
        except InvalidInput as exc:
            raise DocumentRefused(exc.message) from exc
        return CheckedFile(extension, IMAGE_CONTENT_TYPES[extension], checked.data)
    if found in IMAGE_CONTENT_TYPES or (found == "pdf" and extension != "pdf"):
        # The CMS's check would say only "not a DOCX file"; say what the bytes are.
        raise _mismatch(extension, found)
    try:
        document = document_check(f"upload.{extension}", data)
    except DocumentRejected as exc:
        raise _refusal(exc, extension, found) from exc
    return CheckedFile(extension, CONTENT_TYPES[extension], document.data)


def _max_bytes(extension: str) -> int:
    """The largest file of ``extension`` accepted, in bytes (pictures: the visitors' limit)."""
    return image_max_bytes() if extension in IMAGE_CONTENT_TYPES else document_max_bytes()


def _mismatch(extension: str, found: str | None) -> DocumentRefused:
    if found in ACCEPTED_EXTENSIONS:
        return DocumentRefused(
            _(
                "The file's name ends in .%(name_type)s, but its contents are a %(found)s file. "
                "Check that it is the right file, and give it a name ending in .%(found_ext)s."
            )
            % {"name_type": extension, "found": found.upper(), "found_ext": found}
        )
    return DocumentRefused(
        _("The file's contents are not a %(type)s file, although its name says so.")
        % {"type": extension.upper()}
    )


def _refusal(exc: DocumentRejected, extension: str, found: str | None) -> DocumentRefused:
    """The CMS check's reason, said for a case (its own messages speak of a public site)."""
    if exc.code == "mismatch":
        return _mismatch(extension, found)
    if exc.code == "active":
        return DocumentRefused(
            _(
                "The file contains active content (scripts, macros, embedded files or automatic "
                "actions), which a case does not accept. Save or print it again as a PDF without it."
            )
        )
    return DocumentRefused(" ".join(str(m) for m in exc.messages))
