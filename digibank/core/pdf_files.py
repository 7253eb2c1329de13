"""Is an uploaded file really a PDF? Judged by its content, never by its name: it starts
with the PDF signature and pypdf reads at least one page from it."""

from __future__ import annotations

import logging
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

PDF_SIGNATURE = b"%PDF-"
NOT_A_PDF = _("This file is not a PDF. Save the certificate as PDF and upload that file.")


def _readable_by_pypdf(stream: IO[bytes]) -> bool:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        return len(PdfReader(stream, strict=False).pages) > 0
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError) as error:
        logger.info("Upload refused as PDF: %s", type(error).__name__)
        return False


def is_pdf(upload: Any) -> bool:
    """True when the file's content is a readable PDF. Callers bound the size first."""
    upload.seek(0)
    try:
        if upload.read(len(PDF_SIGNATURE)) != PDF_SIGNATURE:
            return False
        upload.seek(0)
        return _readable_by_pypdf(upload)
    finally:
        upload.seek(0)


def validate_pdf(upload: Any) -> None:
    if not is_pdf(upload):
        raise ValidationError(NOT_A_PDF, code="not_pdf")
