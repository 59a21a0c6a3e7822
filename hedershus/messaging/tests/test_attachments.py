"""Attachments (attachments.py): type from the bytes, metadata stripped, size and pixel limits,
encrypted at rest (issue 9, item 2)."""

from __future__ import annotations

import io
import uuid

import pytest
from django.db import connection
from django.utils import translation
from PIL import Image

from hedershus.cms.tests.test_documents import pdf
from hedershus.core.exceptions import InvalidInput
from hedershus.messaging.attachments import MAX_IMAGE_PIXELS, attachment_check, attachment_decrypt
from hedershus.messaging.models import Attachment
from hedershus.messaging.services.messages import message_post_visitor
from hedershus.messaging.tests.helpers import centre_always_open, room_make

GPS_IFD = 0x8825


def jpeg_with_gps(size: tuple[int, int] = (40, 30)) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 1  # Orientation
    exif.get_ifd(GPS_IFD)[2] = (59.0, 19.0, 48.0)  # GPSLatitude
    exif.get_ifd(GPS_IFD)[1] = "N"
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, comment=b"secret comment")
    return out.getvalue()


def png(size: tuple[int, int] = (20, 20)) -> bytes:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Full Name")
    out = io.BytesIO()
    Image.new("RGBA", size, (0, 0, 255, 128)).save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def test_a_photos_location_and_camera_are_removed() -> None:
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)  # the control: it has GPS
    checked = attachment_check(original)
    assert checked.content_type == "image/jpeg"
    cleaned = Image.open(io.BytesIO(checked.data))
    assert not cleaned.getexif() and not cleaned.getexif().get_ifd(GPS_IFD)
    assert b"PhoneMaker" not in checked.data and b"secret comment" not in checked.data
    assert cleaned.size == (40, 30)


def test_png_text_chunks_are_removed() -> None:
    checked = attachment_check(png())
    assert checked.content_type == "image/png"
    assert b"Full Name" not in checked.data
    assert Image.open(io.BytesIO(checked.data)).size == (20, 20)


def test_the_type_comes_from_the_bytes_not_the_name() -> None:
    # Names are never looked at: a PNG "called" .pdf is a PNG, served as one.
    assert attachment_check(png()).content_type == "image/png"


@pytest.mark.parametrize(
    "data",
    [
        b"<html><script>alert(1)</script></html>",
        b"%!PS-Adobe-3.0 not accepted",
        b"PK\x03\x04" + b"\x00" * 100,
        b"GIF89a" + b"\x00" * 50,
    ],
    ids=["html-named-png", "postscript", "zip", "gif"],
)
def test_files_that_are_not_pictures_or_pdf_are_refused(data: bytes) -> None:
    with pytest.raises(InvalidInput) as refused:
        attachment_check(data)
    assert "PDF" in str(refused.value)


def test_a_damaged_picture_is_refused() -> None:
    broken = png()[:60]
    with pytest.raises(InvalidInput):
        attachment_check(broken)


def test_a_pdf_is_accepted_and_rewritten_without_metadata() -> None:
    checked = attachment_check(pdf())
    assert checked.content_type == "application/pdf"
    assert checked.data.startswith(b"%PDF")
    assert b"Anna" not in checked.data and b"Skyddat" not in checked.data


def test_a_pdf_with_javascript_is_refused() -> None:
    with translation.override("en"), pytest.raises(InvalidInput) as refused:
        attachment_check(pdf(js="app.alert('hi');"))
    assert "scripts" in str(refused.value) and "public site" not in str(refused.value)


def test_too_large_is_refused_with_the_sizes(settings: pytest.FixtureRequest) -> None:
    settings.ATTACHMENT_MAX_BYTES = 1000  # type: ignore[attr-defined]
    with translation.override("en"), pytest.raises(InvalidInput) as refused:
        attachment_check(jpeg_with_gps((400, 400)))
    assert "too large" in str(refused.value) and "1000" in str(refused.value).replace("\xa0", "")


def test_a_decompression_bomb_is_refused_before_decoding() -> None:
    # A tiny PNG that claims (and would decode to) more pixels than allowed.
    side = int(MAX_IMAGE_PIXELS**0.5) + 10
    out = io.BytesIO()
    Image.new("1", (side, side)).save(out, format="PNG", optimize=True)
    assert len(out.getvalue()) < 5 * 1024 * 1024
    with translation.override("en"), pytest.raises(InvalidInput) as refused:
        attachment_check(out.getvalue())
    assert "pixels" in str(refused.value)


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(InvalidInput):
        attachment_check(b"")


@pytest.mark.django_db
def test_an_attachment_is_stored_encrypted() -> None:
    centre_always_open()
    checked = attachment_check(png())
    message = message_post_visitor(room=room_make(), client_id=uuid.uuid4(), text="", attachment=checked)
    attachment = Attachment.objects.get(message=message)
    assert attachment.size == len(checked.data) and attachment.content_type == "image/png"
    with connection.cursor() as cursor:
        cursor.execute("SELECT data_encrypted FROM messaging_attachment WHERE id = %s", [attachment.pk])
        raw = bytes(cursor.fetchone()[0])
    assert b"PNG" not in raw and b"IDAT" not in raw
    assert attachment_decrypt(attachment.data_encrypted) == checked.data
