"""PDF documents fetch nothing but the platform's own static files (core.pdf)."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.staticfiles import finders

from digibank.core.pdf import _fetcher, render_pdf, static_file


class _Counting(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:
        type(self).hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        return


@pytest.fixture
def local_server() -> Iterator[str]:
    """A web server on 127.0.0.1 that counts what is asked of it."""
    _Counting.hits = []
    server = http.server.HTTPServer(("127.0.0.1", 0), _Counting)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_pdf_never_calls_a_server_on_the_network(local_server: str) -> None:
    html = (
        f'<link rel="stylesheet" href="{local_server}/style.css">'
        f'<img src="{local_server}/secret.png">'
        f'<p style="background: url({local_server}/bg.png)">Hallo</p>'
    )
    document = render_pdf(html)
    assert document.startswith(b"%PDF")
    assert _Counting.hits == []


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "file://localhost/etc/hostname",
        "http://127.0.0.1:8000/admin/",
        "https://example.org/x.png",
        "ftp://example.org/x",
        "file:///static/../../etc/passwd",
        "file:///static/%2e%2e/%2e%2e/etc/passwd",
    ],
)
def test_the_fetcher_refuses_everything_but_static_files(url: str) -> None:
    assert static_file(url) is None
    with pytest.raises(ValueError, match="only the platform's own static files"):
        _fetcher().fetch(url)


def test_a_file_url_in_a_document_is_not_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.css"
    secret.write_text("p { color: red }")
    opened: list[str] = []
    fetcher = _fetcher()
    original = fetcher.fetch

    def spy(url: str, headers: Any = None) -> Any:
        opened.append(url)
        return original(url, headers)

    fetcher.fetch = spy
    from weasyprint import HTML

    HTML(
        string=f'<link rel="stylesheet" href="{secret.as_uri()}"><img src="file:///etc/passwd">',
        url_fetcher=fetcher,
    ).write_pdf()
    assert opened  # asked for, and refused: WeasyPrint only logs a warning
    assert all(static_file(url) is None for url in opened)


def test_own_static_files_and_data_urls_are_allowed() -> None:
    found = finders.find("digibank/css/digibank.css")
    assert found
    response = _fetcher().fetch("file:///static/digibank/css/digibank.css")
    assert response.read() == Path(str(found)).read_bytes()
    assert _fetcher().fetch("data:text/plain;base64,SGFsbG8=").read() == b"Hallo"


def test_every_pdf_is_made_through_core_pdf() -> None:
    """A module calling WeasyPrint itself would get its default fetcher (any URL)."""
    root = Path(__file__).resolve().parents[2]
    callers = {
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "tests" not in path.parts and "weasyprint" in path.read_text(encoding="utf-8")
    }
    assert callers == {"core/pdf.py"}
