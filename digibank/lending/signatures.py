"""Checks of a signature drawn on screen. The signature pad sends the drawing as a PNG
in a data: URL; the server trusts none of it: the bytes must be a real, small PNG
(Pillow reads and verifies it) with something drawn on it."""

from __future__ import annotations

import base64
import binascii
import io

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

DATA_URL_PREFIX = "data:image/png;base64,"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
MAX_BYTES = 100 * 1024
MAX_WIDTH = 1600
MAX_HEIGHT = 800
MIN_SIDE = 20


def _error(message: str) -> ValidationError:
    return ValidationError({"signature": message}, code="signature")


def png_from_data_url(text: str) -> bytes:
    """The PNG bytes of a `data:image/png;base64,...` URL (what canvas.toDataURL gives)."""
    text = text.strip()
    if not text.startswith(DATA_URL_PREFIX):
        raise _error(_("The drawn signature could not be read. Clear it and sign again."))
    encoded = text.removeprefix(DATA_URL_PREFIX)
    if len(encoded) > MAX_BYTES * 4 // 3 + 4:
        raise _error(_("The drawn signature is too large. Clear it and sign again."))
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise _error(_("The drawn signature could not be read. Clear it and sign again.")) from None


def validate_signature_png(data: bytes) -> None:
    """Refuse anything but a small PNG of sensible size with a drawing on it."""
    unreadable = _("The drawn signature could not be read. Clear it and sign again.")
    if len(data) > MAX_BYTES:
        raise _error(_("The drawn signature is too large. Clear it and sign again."))
    if not data.startswith(PNG_MAGIC):
        raise _error(unreadable)
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != "PNG":
                raise _error(unreadable)
            width, height = image.size  # read from the header, before any decoding
            if not (MIN_SIDE <= width <= MAX_WIDTH and MIN_SIDE <= height <= MAX_HEIGHT):
                raise _error(_("The drawn signature has an unusual size. Sign again."))
            image.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            drawn = image.convert("RGBA")
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise _error(unreadable) from None
    # A pad draws dark strokes on a transparent (or white) background: put it on white
    # and look for dark pixels.
    paper = Image.new("RGBA", drawn.size, "white")
    paper.alpha_composite(drawn)
    ink_box = paper.convert("L").point(lambda value: 255 if value < 160 else 0).getbbox()
    if ink_box is None:
        raise _error(_("The signature is empty. Draw your signature, or type your full name."))
