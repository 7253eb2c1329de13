"""Checking and preparing device photos with Pillow. An upload must really be a JPEG or
PNG of sensible size; it is re-encoded (which drops metadata such as the GPS position a
phone camera writes), scaled down to at most MAX_SIDE pixels, and gets a thumbnail."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import IO

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 50_000_000  # refused before decoding: no decompression bombs
MAX_SIDE = 2000
THUMB_SIDE = 240
MAX_PHOTOS_PER_DEVICE = 12
FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png")}


@dataclass(frozen=True)
class PreparedPhoto:
    content: bytes
    thumbnail: bytes
    content_type: str
    extension: str
    width: int
    height: int


def _error(message: str) -> ValidationError:
    return ValidationError({"photo": message}, code="photo")


def prepare_photo(upload: IO[bytes], *, size: int | None = None) -> PreparedPhoto:
    """Check an uploaded photo and give it back re-encoded, with a thumbnail."""
    unreadable = _("This file is not a photo we can read. Upload a JPEG or PNG file.")
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise _error(_("The photo is too large: at most 8 MB."))
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise _error(_("The photo is too large: at most 8 MB."))
    if not data:
        raise _error(_("The file is empty. Choose a photo."))
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format or ""
            if kind not in FORMATS:
                raise _error(unreadable)
            width, height = probe.size
            if width < 1 or height < 1 or width * height > MAX_PIXELS:
                raise _error(_("The photo has too many pixels. Upload a smaller photo."))
            probe.verify()
        with Image.open(io.BytesIO(data)) as opened:
            opened.load()
            image = ImageOps.exif_transpose(opened)
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise _error(unreadable) from None
    content_type, extension = FORMATS[kind]
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    full = _encode(image, kind)
    thumb = image.copy()
    thumb.thumbnail((THUMB_SIDE, THUMB_SIDE))
    return PreparedPhoto(
        content=full,
        thumbnail=_encode(thumb, kind),
        content_type=content_type,
        extension=extension,
        width=image.width,
        height=image.height,
    )


def _encode(image: Image.Image, kind: str) -> bytes:
    out = io.BytesIO()
    if kind == "JPEG":
        image.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
    else:
        if image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
            image = image.convert("RGBA")
        image.save(out, "PNG", optimize=True)
    return out.getvalue()
