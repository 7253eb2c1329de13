"""PDF documents from HTML (WeasyPrint), fetching nothing but the platform's own static
files and data: URLs (a drawn signature). A document may show text a user typed; were
an address in it ever fetched, a PDF could reach the server's network or its files
(http://127.0.0.1:..., file:///etc/passwd). Every HTML-to-PDF render goes through
`render_pdf`."""

from __future__ import annotations

import logging
import mimetypes
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation

logger = logging.getLogger(__name__)


def _static_root() -> Path:
    return Path(settings.STATIC_ROOT).resolve()


def _relative_static_name(url: str) -> str | None:
    """The static file's name (digibank/css/x.css) a file: URL points at: under
    STATIC_ROOT, or under /static/ (a {% static %} path resolved against the base)."""
    parsed = urlsplit(url)
    if parsed.scheme != "file" or parsed.netloc not in ("", "localhost"):
        return None
    path = Path(url2pathname(parsed.path)).resolve()
    if path.is_relative_to(_static_root()):
        return path.relative_to(_static_root()).as_posix()
    prefix = "/" + settings.STATIC_URL.strip("/") + "/"
    if parsed.path.startswith(prefix):
        return unquote(parsed.path.removeprefix(prefix))
    return None


def static_file(url: str) -> Path | None:
    """The platform's own static file a URL names, or None for anything else."""
    name = _relative_static_name(url)
    if not name:
        return None
    root = _static_root()
    try:
        candidate = (root / name).resolve()
        if candidate.is_relative_to(root) and candidate.is_file():
            return candidate
        found = finders.find(name)
    except (SuspiciousFileOperation, ValueError, OSError):
        return None
    if isinstance(found, list):
        found = found[0] if found else None
    return Path(found) if found else None


def _fetcher() -> Any:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFilesOnly(URLFetcher):
        def __init__(self) -> None:
            super().__init__(allowed_protocols={"data", "file"}, allow_redirects=False)

        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            path = static_file(url)
            if path is None:
                logger.warning("A PDF asked for %.200s: refused", url)
                raise ValueError("PDFs fetch only the platform's own static files")
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": kind})

    return StaticFilesOnly()


def render_pdf(html: str) -> bytes:
    """The PDF of an HTML page rendered from one of our templates."""
    from weasyprint import HTML

    base = _static_root().as_uri() + "/"
    document: bytes = HTML(string=html, base_url=base, url_fetcher=_fetcher()).write_pdf()
    return document
