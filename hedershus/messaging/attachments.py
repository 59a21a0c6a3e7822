"""Files a visitor attaches to a message: images and PDF only (issue 9, item 2).

A visitor's photo can carry where it was taken (EXIF GPS), the phone's make and the time;
a PDF can carry its author and scripts. So an attachment is accepted only if its bytes
are what it says (``filetype`` names the container; the name is ignored) and is stored
cleaned and encrypted:

- **Images** (JPEG, PNG, WebP): decoded with Pillow and re-encoded from the pixels alone,
  which drops EXIF (GPS included), XMP, ICC profiles and comments; the EXIF orientation is
  applied first so the picture stays upright. Pillow refuses anything above
  ``MAX_IMAGE_PIXELS`` before decoding (a small file that decodes to gigabytes, a
  "decompression bomb"); animated images keep their first frame.
- **PDF**: the CMS's document check (``hedershus.cms.documents.document_check``): parsed with
  pypdf, refused if encrypted or carrying scripts, actions or embedded files, rewritten
  without its metadata. Reused rather than copied so both stay one rule.
- **Size**: at most ``settings.ATTACHMENT_MAX_BYTES`` (default 5 MiB), checked on what was
  sent and on the re-encoded result.
- **Encrypted at rest** with ``core.crypto`` (``Attachment.data_encrypted``); the original file
  name is not kept (it may say what the file is about).

Why these libraries: Pillow is the maintained imaging library Django and Wagtail already use;
``filetype`` and pypdf: see ``hedershus/cms/documents.py``.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from hedershus.cms.documents import DocumentRejected, document_check
from hedershus.core.crypto import decrypt_bytes, encrypt_bytes
from hedershus.core.exceptions import InvalidInput

# Pixels an image may have (40 megapixels: a phone camera's largest photo is below it).
MAX_IMAGE_PIXELS = 40_000_000

# What filetype names the bytes -> (the Content-Type served, Pillow's format to re-encode to).
IMAGE_TYPES: dict[str, tuple[str, str]] = {
    "jpg": ("image/jpeg", "JPEG"),
    "png": ("image/png", "PNG"),
    "webp": ("image/webp", "WEBP"),
}
PDF_CONTENT_TYPE = "application/pdf"
# The file name a download gets, by type: neutral, never the visitor's own.
DOWNLOAD_NAMES: dict[str, str] = {
    "image/jpeg": "image.jpg",
    "image/png": "image.png",
    "image/webp": "image.webp",
    PDF_CONTENT_TYPE: "document.pdf",
}


@dataclass(frozen=True)
class CheckedAttachment:
    """What is stored: the Content-Type served and the cleaned bytes."""

    content_type: str
    data: bytes

    def encrypted(self) -> bytes:
        """The bytes encrypted with ``core.crypto.encrypt_bytes``, as ``Attachment.data_encrypted``."""
        return encrypt_bytes(self.data)


def attachment_decrypt(data_encrypted: bytes | memoryview) -> bytes:
    """The plain bytes of an ``Attachment.data_encrypted`` value."""
    return decrypt_bytes(bytes(data_encrypted))


def max_bytes() -> int:
    """The largest attachment accepted, in bytes (``ATTACHMENT_MAX_BYTES``, docs/operations.md)."""
    return int(settings.ATTACHMENT_MAX_BYTES)


def attachment_check(data: bytes) -> CheckedAttachment:
    """Checks an uploaded file's bytes and returns what may be stored.

    Raises ``InvalidInput`` with a message for the visitor if the file is empty, larger
    than ``ATTACHMENT_MAX_BYTES``, not a JPEG, PNG, WebP or PDF by its contents, damaged,
    too many pixels, or (PDF) encrypted or carrying active content.
    """
    if not data:
        raise InvalidInput(_("The file is empty."))
    if len(data) > max_bytes():
        raise attachment_too_large(len(data))
    guessed = filetype.guess(data)
    kind = guessed.extension if guessed is not None else ""
    if kind in IMAGE_TYPES:
        content_type, image_format = IMAGE_TYPES[kind]
        cleaned = _image_reencode(data, image_format)
    elif kind == "pdf":
        content_type = PDF_CONTENT_TYPE
        try:
            cleaned = document_check("attachment.pdf", data).data
        except DocumentRejected as exc:
            raise InvalidInput(_pdf_refusal(exc)) from exc
    else:
        raise InvalidInput(_("Only pictures (JPEG, PNG, WebP) and PDF files can be sent."))
    if len(cleaned) > max_bytes():
        raise attachment_too_large(len(cleaned))
    return CheckedAttachment(content_type, cleaned)


def _pdf_refusal(exc: DocumentRejected) -> str:
    """The CMS check's reason, said to a visitor (its own messages speak to editors)."""
    if exc.code == "active":
        return _(
            "The PDF contains scripts, embedded files or automatic actions, which cannot be sent. "
            "Send a picture of the pages instead."
        )
    if exc.code == "encrypted":
        return _("Password-protected PDF files cannot be sent. Save it again without a password.")
    return " ".join(str(m) for m in exc.messages)


def attachment_too_large(size: int) -> InvalidInput:
    """The refusal of a file of ``size`` bytes, above ``ATTACHMENT_MAX_BYTES``."""
    return InvalidInput(
        _("The file is too large (%(size)s). The largest you can send is %(max)s.")
        % {"size": filesizeformat(size), "max": filesizeformat(max_bytes())}
    )


def _image_reencode(data: bytes, image_format: str) -> bytes:
    """The image's pixels alone, encoded again in ``image_format``: no metadata survives."""
    damaged = InvalidInput(_("The picture is damaged and cannot be read."))
    try:
        with warnings.catch_warnings():
            # Pillow warns between MAX_IMAGE_PIXELS and twice that, and raises above: refuse both.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise InvalidInput(
                        _("The picture has too many pixels. Send a smaller picture or a screenshot of it.")
                    )
                image.seek(0)  # the first frame of an animation
                upright = ImageOps.exif_transpose(image)
                upright.load()
    except InvalidInput:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise InvalidInput(
            _("The picture has too many pixels. Send a smaller picture or a screenshot of it.")
        ) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError) as exc:
        raise damaged from exc
    # A new image from the pixels only: nothing of the original's info (EXIF, XMP, ICC,
    # comments, text chunks) is carried over.
    if image_format == "JPEG" and upright.mode not in ("RGB", "L"):
        upright = upright.convert("RGB")
    elif upright.mode not in ("RGB", "RGBA", "L", "LA"):
        upright = upright.convert("RGBA")
    clean = Image.new(upright.mode, upright.size)
    clean.paste(upright)
    out = io.BytesIO()
    options: dict[str, object] = {"quality": 90} if image_format in ("JPEG", "WEBP") else {}
    clean.save(out, format=image_format, **options)
    return out.getvalue()
