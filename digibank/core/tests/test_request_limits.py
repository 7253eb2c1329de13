"""Request bodies have a ceiling checked before anything reads them (core.limits), and
uploaded files and the SQLite database are readable by their owner only."""

from __future__ import annotations

import inspect
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from digibank.accounts.models import User
from digibank.core.limits import MB, body_ceiling
from digibank.core.sqlite import OWNER_ONLY, database_files
from digibank.network.models import Hub
from digibank.people.models import Participant


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_body_over_the_ceiling_is_refused_before_the_csrf_check(staff: User, hub: Hub) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    url = reverse("people:create", kwargs={"hub": hub.slug})
    response = client.post(url, {"given_name": "Jan", "notes": "x" * (MB + 10)})
    assert response.status_code == 413
    assert "Too much to send at once" in response.text
    assert "send a shorter text" in response.text
    assert not Participant.objects.filter(given_name="Jan").exists()


def test_the_refusal_speaks_the_users_language(staff: User, hub: Hub) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="fr")
    client.force_login(staff)
    url = reverse("people:create", kwargs={"hub": hub.slug})
    response = client.post(url, {"notes": "x" * (MB + 10)})
    assert response.status_code == 413
    assert "Trop de données à envoyer" in response.text


def test_a_declared_length_is_enough_to_refuse(
    client_for: Callable[..., Client], staff: User, hub: Hub
) -> None:
    """A client announcing a huge body is answered without waiting for it."""
    url = reverse("people:create", kwargs={"hub": hub.slug})
    response = client_for(staff).generic(
        "POST",
        url,
        b"given_name=Jan",
        CONTENT_TYPE="application/x-www-form-urlencoded",
        CONTENT_LENGTH=str(50 * 1024 * MB),
    )
    assert response.status_code == 413


def test_a_chunked_body_without_length_is_refused_with_a_clear_page(
    client_for: Callable[..., Client], staff: User, hub: Hub
) -> None:
    url = reverse("people:create", kwargs={"hub": hub.slug})
    response = client_for(staff).generic(
        "POST",
        url,
        b"",
        CONTENT_TYPE="application/x-www-form-urlencoded",
        CONTENT_LENGTH="",
        HTTP_TRANSFER_ENCODING="chunked",
    )
    assert response.status_code == 411
    assert "did not say how much it was sending" in response.text


def test_an_upload_page_takes_its_own_larger_ceiling(
    client_for: Callable[..., Client], coordinator: User, hub: Hub
) -> None:
    url = reverse("devices:import", kwargs={"hub": hub.slug})
    client = client_for(coordinator)
    two_mb = SimpleUploadedFile("devices.csv", b"kind\n" + b"laptop\n" * (2 * MB // 7))
    assert client.post(url, {"file": two_mb}).status_code != 413
    seven_mb = SimpleUploadedFile("devices.csv", b"kind\n" + b"laptop\n" * (7 * MB // 7))
    response = client.post(url, {"file": seven_mb})
    assert response.status_code == 413
    assert "at most 5 MB together" in response.text


def _patterns(resolver: URLResolver) -> Iterator[URLPattern]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry)
        else:
            yield entry


def test_every_view_that_reads_files_declares_its_ceiling(settings: Any) -> None:
    """A new upload page without @accepts_uploads would refuse every real file."""
    readers = []
    for pattern in _patterns(get_resolver()):
        view = pattern.callback
        try:
            source = inspect.getsource(inspect.unwrap(view))
        except (OSError, TypeError):
            continue
        if "request.FILES" in source or "_files(request)" in source:
            readers.append(pattern.name)
            assert getattr(view, "max_request_body", 0) > settings.REQUEST_BODY_MAX_BYTES, (
                pattern.name
            )
    assert {"import", "wipe", "photo_add", "class_assign", "edit_attachments"} <= set(readers)


def test_an_unknown_path_gets_the_default_ceiling(rf: Any, settings: Any) -> None:
    assert body_ceiling(rf.post("/no/such/page/")) == settings.REQUEST_BODY_MAX_BYTES


# --- files readable by the owner only ----------------------------------------------------


def test_uploaded_files_and_their_folders_are_owner_only(settings: Any, tmp_path: Path) -> None:
    storage = FileSystemStorage(location=tmp_path / "media")
    name = storage.save(
        "devices/wipes/2026/certificate.pdf", SimpleUploadedFile("c.pdf", b"%PDF-1.4")
    )
    assert _mode(Path(storage.path(name))) == 0o600
    assert _mode(Path(storage.path("devices/wipes/2026"))) == 0o700
    assert _mode(Path(storage.path("devices"))) == 0o700


@pytest.mark.django_db
def test_the_sqlite_database_and_its_wal_files_are_owner_only(tmp_path: Path) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    settings_dict = {**connection.settings_dict, "NAME": str(tmp_path / "fresh.sqlite3")}
    fresh = type(connections["default"])(settings_dict, alias="fresh-sqlite")
    try:
        with fresh.cursor() as cursor:
            cursor.execute("CREATE TABLE t (x integer)")
            cursor.execute("INSERT INTO t VALUES (1)")
        files = [path for path in database_files(fresh) if path.exists()]
        assert {path.name for path in files} >= {"fresh.sqlite3", "fresh.sqlite3-wal"}
        assert {path.name: _mode(path) for path in files} == {
            path.name: OWNER_ONLY for path in files
        }
    finally:
        fresh.close()
