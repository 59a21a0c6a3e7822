"""Checks every uploaded document before it is stored (issue 7, items 12 and 13).

Documents are public once a live page links to them, and visitors open them on watched,
shared phones. So an upload is accepted only if its bytes are what its extension says, and
it is stored cleaned of what could run or reveal:

- **Type from the bytes**, not the name: ``filetype`` (pure Python, no libmagic) names the
  container, then a structural check per kind. PDF: parsed with ``pypdf``; refused if
  encrypted or if any reachable object carries an action that runs or fetches something
  (``/JavaScript``, ``/JS``, ``/OpenAction``, ``/AA``, ``/Launch``, embedded files, rich
  media, XFA forms, form submission); rewritten from its pages without the document
  information dictionary (title, author, producer …) and without XMP metadata. Office
  files (docx/xlsx/pptx, odt/ods/odp) are zip containers: the declared main content type
  (``[Content_Types].xml``) or ``mimetype`` entry must match the extension; macros
  (``vbaProject.bin``, macro-enabled types, ODF ``Basic/`` and ``Scripts/``) and ActiveX
  are refused; author metadata (``docProps/core.xml``, ``docProps/app.xml``, ``meta.xml``)
  is replaced by an empty record. Text (txt/csv) must be UTF-8 without control characters
  or markup a browser could sniff as HTML; CSV cells may not start a spreadsheet formula.
- **Size**: at most ``settings.DOCUMENT_MAX_BYTES`` (also Wagtail's upload limit).
- **A neutral stored name**, ``document.<ext>``: the original file name may say what it is about.

Why these libraries: ``pypdf`` is the maintained pure-Python PDF library (parsing and
writing, BSD licence); ``filetype`` is pure Python and already used by Wagtail's image
library Willow, where ``python-magic`` would need the system's libmagic.

Wagtail's document form (``WAGTAILDOCS_DOCUMENT_FORM_BASE = DocumentForm``) runs the check
for every upload view (single, multiple, chooser) and shows its message to the editor; the
``pre_save`` guard (``document_pre_save``) runs it again for any other way a file reaches
the model, so nothing unchecked is stored.

**A document on a live page is fixed** (docs/editors.md, "Documents on live pages"): a
change to its file or title would be public at once, without the second editor's review
every page change goes through. So while a live page links to it, the form refuses a new
file or title, and the ``pre_save`` and ``pre_delete`` guards (``document_pre_save``,
``document_pre_delete``) refuse any other change of file or title, and its deletion, with
``Conflict`` (the edit form, the delete views, bulk delete, the shell). Tags and collection
may change: visitors see neither.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from typing import Any

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.db.models.fields.files import FieldFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.documents.forms import BaseDocumentForm

from hedershus.cms.document_selectors import document_linked_from_live_page
from hedershus.core.exceptions import Conflict

# Extension -> the Content-Type a download carries. The only types accepted.
CONTENT_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "txt": "text/plain; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
}

# The main part an OOXML package must declare (ECMA-376 Part 2; macro-enabled ones differ).
_OOXML_MAIN = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
}
_ODF = {"odt", "ods", "odp"}

# PDF dictionary keys and name values that make a reader run, launch, fetch or embed
# something (ISO 32000-1 §12.6 actions, §7.11.4 embedded files, §13.6 3D/rich media, XFA).
_PDF_FORBIDDEN_KEYS = frozenset(
    {"/JavaScript", "/JS", "/OpenAction", "/AA", "/Launch", "/EmbeddedFile", "/EmbeddedFiles"}
    | {"/RichMedia", "/RichMediaContent", "/XFA"}
)
_PDF_FORBIDDEN_NAMES = frozenset(
    {"/JavaScript", "/Launch", "/EmbeddedFile", "/RichMedia", "/SubmitForm", "/ImportData"}
    | {"/GoToE", "/Movie", "/Sound", "/Rendition"}
)
# Limits on what a small public document needs; beyond them the file is refused, not parsed.
_PDF_MAX_OBJECTS = 200_000
_ZIP_MAX_ENTRIES = 5_000
_ZIP_MAX_RATIO = 100  # uncompressed/compressed: a zip bomb is far above this

# Text a browser could take for HTML or XML if it ever sniffed the type (WHATWG MIME
# sniffing looks for tags such as <html, <script, <!--, <?xml): any tag-like "<x".
_MARKUP = re.compile(r"<\s*[A-Za-z!?/]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_FORMULA_START = ("=", "@", "\t", "\r")


class DocumentRejected(ValidationError):
    """An upload that is not accepted; the message is for the editor who uploaded it."""


# Said to an editor who tries to change or delete a document a live page links to.
LIVE_DOCUMENT_MESSAGE = gettext_lazy(
    "This document is on a live page. Upload a new document and change the page, "
    "so that another editor reviews the change."
)
# What visitors see of a document: changing these on a live page's document is refused.
LIVE_DOCUMENT_FIELDS = ("title", "file")


@dataclass(frozen=True)
class CheckedDocument:
    """What is stored: the extension, the Content-Type served, and the cleaned bytes."""

    extension: str
    content_type: str
    data: bytes

    @property
    def name(self) -> str:
        return f"document.{self.extension}"


def max_bytes() -> int:
    """The largest document accepted, in bytes (``DOCUMENT_MAX_BYTES``, docs/operations.md)."""
    return int(settings.DOCUMENT_MAX_BYTES)


def extension_of(name: str) -> str:
    """The lower-case extension of a file name, without the dot ("" if none)."""
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def document_check(name: str, data: bytes) -> CheckedDocument:
    """Checks an upload's bytes against its name and returns what may be stored.

    ``name`` is the uploaded file's name (only its extension is used), ``data`` its bytes.
    Raises ``DocumentRejected`` with a message for the editor if the file is too large, of
    a type not accepted, not what its extension says, or carries active content.
    """
    if len(data) > max_bytes():
        raise DocumentRejected(
            _("The file is too large (%(size)s). The largest accepted is %(max)s.")
            % {"size": filesizeformat(len(data)), "max": filesizeformat(max_bytes())},
            code="too_large",
        )
    extension = extension_of(name)
    if extension not in CONTENT_TYPES:
        raise DocumentRejected(
            _("Files of this type are not accepted. Accepted: %(types)s.")
            % {"types": ", ".join(t.upper() for t in CONTENT_TYPES)},
            code="type",
        )
    if not data:
        raise DocumentRejected(_("The file is empty."), code="empty")
    guessed = filetype.guess(data)
    if extension == "pdf":
        if guessed is None or guessed.extension != "pdf":
            raise _not_what_it_says(extension)
        cleaned = _pdf_clean(data)
    elif extension in _OOXML_MAIN or extension in _ODF:
        if guessed is None or guessed.extension not in {"zip", extension}:
            raise _not_what_it_says(extension)
        cleaned = _office_clean(extension, data)
    else:
        if guessed is not None:
            raise _not_what_it_says(extension)
        cleaned = _text_check(extension, data)
    return CheckedDocument(extension, CONTENT_TYPES[extension], cleaned)


def _not_what_it_says(extension: str) -> DocumentRejected:
    return DocumentRejected(
        _("The file's contents are not a %(type)s file, although its name says so.")
        % {"type": extension.upper()},
        code="mismatch",
    )


def _active_content() -> DocumentRejected:
    return DocumentRejected(
        _(
            "The file contains active content (scripts, macros, embedded files or automatic "
            "actions), which is not accepted on a public site. Save or export it again without it."
        ),
        code="active",
    )


# --- PDF -------------------------------------------------------------------------------


def _pdf_clean(data: bytes) -> bytes:
    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise DocumentRejected(
                _("Password-protected PDF files are not accepted. Save it again without a password."),
                code="encrypted",
            )
        _pdf_refuse_active(reader)
        writer = PdfWriter()
        for page in reader.pages:
            writer.add_page(page)
        for page in writer.pages:
            # Page-level XMP and application data can carry names too.
            for key in ("/Metadata", "/PieceInfo"):
                if key in page:
                    del page[key]
        writer.metadata = None  # no /Info: title, author, creator, producer, dates
        out = io.BytesIO()
        writer.write(out)
    except DocumentRejected:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise DocumentRejected(_("The PDF file is damaged and cannot be read."), code="damaged") from exc
    return out.getvalue()


def _pdf_refuse_active(reader: Any) -> None:
    """Walks every object reachable from the trailer (object streams included)."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    seen: set[tuple[int, int]] = set()
    stack: list[Any] = [reader.trailer]
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            ref = (obj.idnum, obj.generation)
            if ref in seen:
                continue
            seen.add(ref)
            if len(seen) > _PDF_MAX_OBJECTS:
                raise DocumentRejected(_("The PDF file is too complex to check."), code="complex")
            obj = obj.get_object()
        if isinstance(obj, DictionaryObject):
            if _PDF_FORBIDDEN_KEYS.intersection(obj.keys()):
                raise _active_content()
            stack.extend(obj.values())
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)
        elif isinstance(obj, NameObject) and str(obj) in _PDF_FORBIDDEN_NAMES:
            raise _active_content()


# --- Office (zip containers) -----------------------------------------------------------

_EMPTY_CORE = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
    b' xmlns:dc="http://purl.org/dc/elements/1.1/"/>'
)
_EMPTY_APP = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"/>'
)
_EMPTY_ODF_META = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
    b' office:version="1.2"><office:meta/></office:document-meta>'
)
_REPLACED_PARTS = {
    "docProps/core.xml": _EMPTY_CORE,
    "docProps/app.xml": _EMPTY_APP,
    "meta.xml": _EMPTY_ODF_META,
}


def _office_clean(extension: str, data: bytes) -> bytes:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise _not_what_it_says(extension) from exc
    names = [info.filename for info in infos]
    total = sum(info.file_size for info in infos)
    if len(infos) > _ZIP_MAX_ENTRIES or total > max(max_bytes(), len(data) * _ZIP_MAX_RATIO):
        raise DocumentRejected(_("The file is too complex to check."), code="complex")
    lowered = [n.lower() for n in names]
    # Macros, ActiveX controls and embedded OLE objects (which can carry programs).
    if any(
        n.endswith("vbaproject.bin")
        or "/activex/" in f"/{n}"
        or ("/embeddings/" in f"/{n}" and n.endswith(".bin"))
        for n in lowered
    ):
        raise _active_content()
    try:
        if extension in _ODF:
            if names[:1] != ["mimetype"] or archive.read("mimetype").strip() != CONTENT_TYPES[
                extension
            ].encode("ascii"):
                raise _not_what_it_says(extension)
            if any(n.startswith(("basic/", "scripts/")) for n in lowered):
                raise _active_content()
        else:
            if "[Content_Types].xml" not in names:
                raise _not_what_it_says(extension)
            declared = archive.read("[Content_Types].xml").decode("utf-8", "replace")
            if "macroenabled" in declared.lower() or "vbaproject" in declared.lower():
                raise _active_content()
            if _OOXML_MAIN[extension] not in declared:
                raise _not_what_it_says(extension)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as cleaned:
            for info in infos:
                content = _REPLACED_PARTS.get(info.filename) or archive.read(info)
                copy = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
                copy.compress_type = info.compress_type
                cleaned.writestr(copy, content)
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, NotImplementedError) as exc:
        raise DocumentRejected(_("The file is damaged and cannot be read."), code="damaged") from exc
    return out.getvalue()


# --- Text ------------------------------------------------------------------------------


def _text_check(extension: str, data: bytes) -> bytes:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DocumentRejected(
            _("Text files must be saved as UTF-8. Save it again with that encoding."), code="encoding"
        ) from exc
    if _CONTROL.search(text):
        raise _not_what_it_says(extension)
    if _MARKUP.search(text):
        raise DocumentRejected(
            _("The text contains markup (such as HTML tags), which is not accepted in a text file."),
            code="markup",
        )
    if extension == "csv":
        for row in csv.reader(io.StringIO(text)):
            for cell in row:
                stripped = cell.lstrip(" ")
                if stripped.startswith(_FORMULA_START) or (
                    stripped[:1] in {"+", "-"}
                    and not stripped[1:2].isdigit()
                    and stripped[1:2] not in {"", " "}
                ):
                    raise DocumentRejected(
                        _("A cell starts with a formula (=, +, -, @), which spreadsheets would run."),
                        code="formula",
                    )
    return text.encode("utf-8")


# --- Wagtail's document form -----------------------------------------------------------


def checked_file(checked: CheckedDocument) -> File:
    """A file object for Django's storage holding the cleaned bytes under the neutral name."""
    content = ContentFile(checked.data, name=checked.name)
    content.hedershus_checked = True  # type: ignore[attr-defined]
    return content


def _on_live_page(document_id: int | None) -> bool:
    return document_id is not None and document_linked_from_live_page(document_id)


class DocumentForm(BaseDocumentForm):
    """Wagtail's document form (every upload view uses it), with the upload checked and cleaned,
    and a live page's document kept as it is (its file and title; tags and collection may change)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "file" in self.fields:
            # Wagtail's own help text has no Swedish translation; this one also names the types.
            self.fields["file"].help_text = _("Accepted: %(types)s. Largest file: %(max)s.") % {
                "types": ", ".join(t.upper() for t in CONTENT_TYPES),
                "max": filesizeformat(max_bytes()),
            }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        changed = set(LIVE_DOCUMENT_FIELDS).intersection(self.changed_data)
        if changed and self.instance.pk is not None and _on_live_page(self.instance.pk):
            raise ValidationError(LIVE_DOCUMENT_MESSAGE, code="live_document")
        return cleaned

    def _post_clean(self) -> None:
        # A refused file leaves the model without one, and Wagtail's model check of the
        # extension (``AbstractDocument.clean``) would add a second, false error ("the
        # extension “” is not valid"). The upload check has said what is wrong: keep only that.
        refused = list(self._errors.get("file", [])) if self._errors else []
        super()._post_clean()
        if refused:
            self._errors["file"] = self.error_class(refused)

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload is None or isinstance(upload, FieldFile):
            return upload  # no new file in this submission
        # WagtailDocumentField has already refused anything over WAGTAILDOCS_MAX_UPLOAD_SIZE.
        upload.seek(0)
        checked = document_check(upload.name or "", upload.read())
        return checked_file(checked)


def document_pre_save(instance: Any) -> None:
    """Checks and cleans a document's file if it is new or replaced, whatever saved it.

    Files that came through ``DocumentForm`` are already clean. Raises ``DocumentRejected``
    (nothing is saved) for a file that fails the check. Recomputes Wagtail's size and hash.
    Raises ``Conflict`` (nothing is saved) for a new file or title of a document a live page
    links to (``document_live_guard``).
    """
    document_live_guard(instance)
    file = instance.file
    if not file or getattr(file.file if not file._committed else None, "hedershus_checked", False):
        return
    previous = type(instance).objects.filter(pk=instance.pk).values_list("file", flat=True).first()
    if file._committed and previous == file.name:
        return  # the stored file is unchanged
    file.open("rb")
    try:
        data = file.read()
    finally:
        if file._committed:
            file.close()
    checked = document_check(file.name, data)
    if file._committed:
        file.storage.delete(file.name)
    file.save(checked.name, checked_file(checked), save=False)
    instance._set_document_file_metadata()


def document_live_guard(instance: Any) -> None:
    """Refuses a new file or title for a document a live page links to, whatever saves it.

    The last line behind ``DocumentForm`` (which says the same in the form). Raises
    ``Conflict``. ``manage.py documents_check`` stores the same document cleaned, which is
    not an editor's change: it marks the instance ``_hedershus_recleaned``.
    """
    if instance.pk is None or getattr(instance, "_hedershus_recleaned", False):
        return
    stored = type(instance).objects.filter(pk=instance.pk).values(*LIVE_DOCUMENT_FIELDS).first()
    if stored is None:
        return
    changed = stored["title"] != instance.title or stored["file"] != (instance.file.name or "")
    if changed and _on_live_page(instance.pk):
        raise Conflict(LIVE_DOCUMENT_MESSAGE)


def document_pre_delete(instance: Any) -> None:
    """Refuses to delete a document a live page links to, whatever deletes it (the delete
    views, bulk delete, the shell). Raises ``Conflict``; nothing is deleted."""
    if _on_live_page(instance.pk):
        raise Conflict(LIVE_DOCUMENT_MESSAGE)
