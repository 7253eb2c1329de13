"""Fixtures shared by every app's tests: a realistic small world of two hubs, one user
per role, and a client signed in as any of them."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from digibank.accounts.models import Membership, ProgrammeRole, User
from digibank.accounts.roles import HubRole, ProgrammeRoleKind
from digibank.network.models import Hub, Organisation, OrganisationKind, Programme

TEST_PASSWORD = "correct-horse-battery-staple"


def reset_task_backends() -> None:
    """Forget task backends created while Django started (tasks are declared at import
    time), so the TASKS setting of the tests applies."""
    from asgiref.local import Local
    from django.tasks import task_backends

    task_backends.__dict__.pop("settings", None)
    task_backends._settings = None  # type: ignore[attr-defined]
    task_backends._connections = Local(task_backends.thread_critical)  # type: ignore[attr-defined]


def pytest_configure(config: pytest.Config) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.LANGUAGE_COOKIE_SECURE = False
    settings.ENFORCE_TWO_FACTOR = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Tasks run at once in tests (tests of the worker choose the database backend).
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    reset_task_backends()
    settings.AXES_ENABLED = True
    settings.SMS_BACKEND = "digibank.core.messaging.LocmemSmsBackend"
    # Message hours hold night-time messages; tests of other features run at any hour
    # of the day, so they send at once. The tests of the rule switch it on
    # (digibank/core/tests/test_message_hours.py).
    settings.MESSAGE_HOURS_ENFORCED = False


@pytest.fixture(autouse=True)
def uploads_in_a_temporary_folder(
    settings: Any, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> None:
    """Files uploaded in tests never land in the developer's var/media. A module sharing
    one world (tests/world.py) keeps the folder its world's files were written to."""
    shared = getattr(request.module, "WORLD_MEDIA_ROOT", None)
    settings.MEDIA_ROOT = shared or tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def empty_sms_outbox() -> None:
    from digibank.core.messaging import LocmemSmsBackend

    LocmemSmsBackend.outbox.clear()


@pytest.fixture(autouse=True)
def english_by_default(settings: Any) -> None:
    """Tests read the English source texts; the Dutch default has tests of its own."""
    settings.LANGUAGE_CODE = "en"


def make_programme() -> Programme:
    return Programme.objects.update_or_create(
        slug="digibanken",
        defaults={
            "name": "Digibanken",
            "policy_domain": "Werk en Sociale Economie",
            "budget_cents": 50_000_000_00,
        },
    )[0]


def make_other_programme() -> Programme:
    return Programme.objects.update_or_create(
        slug="digisprong",
        defaults={
            "name": "Digisprong",
            "policy_domain": "Onderwijs",
            "budget_cents": 375_000_000_00,
        },
    )[0]


@pytest.fixture
def programme(db: Any) -> Programme:
    return make_programme()


@pytest.fixture
def other_programme(db: Any) -> Programme:
    return make_other_programme()


def make_hub(programme: Programme, name: str, slug: str) -> Hub:
    lead = Organisation.objects.create(
        name=f"OCMW {name}",
        kind=OrganisationKind.LOCAL_GOVERNMENT,
        enterprise_number="0212345668" if slug == "gent" else "",
    )
    return Hub.objects.create(
        name=name,
        slug=slug,
        programme=programme,
        lead_organisation=lead,
        starts_on=date(2025, 1, 1),
    )


@pytest.fixture
def hub(programme: Programme) -> Hub:
    return make_hub(programme, "Digibank Gent", "gent")


@pytest.fixture
def other_hub(other_programme: Programme) -> Hub:
    return make_hub(other_programme, "Digibank Hasselt", "hasselt")


@pytest.fixture
def make_user(db: Any) -> Callable[..., User]:
    return user_maker()


def user_maker() -> Callable[..., User]:
    """A function making numbered users, with a hub or programme role when asked."""
    counter = iter(range(1, 10_000))

    def make(
        role: str | None = None,
        hub: Hub | None = None,
        programme: Programme | None = None,
        programme_role: str = ProgrammeRoleKind.OFFICER,
        **extra: Any,
    ) -> User:
        number = next(counter)
        user = User.objects.create_user(
            email=extra.pop("email", f"user{number}@example.org"),
            password=TEST_PASSWORD,
            full_name=extra.pop("full_name", f"Test User {number}"),
            **extra,
        )
        if role and hub:
            Membership.objects.create(user=user, hub=hub, role=role)
        if programme:
            ProgrammeRole.objects.create(user=user, programme=programme, role=programme_role)
        return user

    return make


@pytest.fixture
def coordinator(make_user: Callable[..., User], hub: Hub) -> User:
    return make_user(HubRole.COORDINATOR, hub, full_name="Ann Coordinator")


@pytest.fixture
def staff(make_user: Callable[..., User], hub: Hub) -> User:
    return make_user(HubRole.STAFF, hub, full_name="Sam Staff")


@pytest.fixture
def digihelper(make_user: Callable[..., User], hub: Hub) -> User:
    return make_user(HubRole.DIGIHELPER, hub, full_name="Dirk Helper")


@pytest.fixture
def officer(make_user: Callable[..., User], programme: Programme) -> User:
    return make_user(programme=programme, full_name="Olga Officer")


@pytest.fixture
def client_for() -> Callable[[User], Client]:
    def sign_in(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return sign_in


# --- Transactional tests and the append-only journal ------------------------------------
# A live-server (transactional) test ends with a flush of every table, and the journal's
# database triggers (core migration 0002) refuse that DELETE/TRUNCATE. Around the
# teardown of such a test the triggers step aside, and are back before the next test.

_JOURNAL_MIGRATION = "digibank.core.migrations.0002_journal_append_only"


def _is_transactional(item: pytest.Item) -> bool:
    names = getattr(item, "fixturenames", ())
    marker = item.get_closest_marker("django_db")
    return (
        "live_server" in names
        or "transactional_db" in names
        or bool(marker and marker.kwargs.get("transaction"))
    )


def _journal_triggers(*, enabled: bool) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            action = "ENABLE" if enabled else "DISABLE"
            cursor.execute(f"ALTER TABLE core_journalentry {action} TRIGGER USER")
        elif connection.vendor == "sqlite":
            for name in ("journal_no_update", "journal_no_delete"):
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            if enabled:
                migration = importlib.import_module(_JOURNAL_MIGRATION)
                for statement in migration.SQLITE:
                    cursor.execute(statement)
    if enabled:
        # The test case closed its connections after the flush; leave none open either
        # (an open one keeps PostgreSQL from dropping the test database at the end).
        connection.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Any:
    if not _is_transactional(item):
        return (yield)
    from pytest_django.plugin import blocking_manager_key

    blocker = item.config.stash[blocking_manager_key]
    with blocker.unblock():
        _journal_triggers(enabled=False)
    try:
        return (yield)
    finally:
        # After the last test the session's fixtures are gone with the test database.
        if nextitem is not None:
            with blocker.unblock():
                _journal_triggers(enabled=True)
