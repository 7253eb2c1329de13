"""Fixtures shared by every app's tests: a realistic small world of two hubs, one user
per role, and a client signed in as any of them."""

from __future__ import annotations

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
    settings.ENFORCE_TWO_FACTOR = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Tasks run at once in tests (tests of the worker choose the database backend).
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    reset_task_backends()
    settings.AXES_ENABLED = True


@pytest.fixture(autouse=True)
def english_by_default(settings: Any) -> None:
    """Tests read the English source texts; the Dutch default has tests of its own."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def programme(db: Any) -> Programme:
    return Programme.objects.update_or_create(
        slug="digibanken",
        defaults={
            "name": "Digibanken",
            "policy_domain": "Werk en Sociale Economie",
            "budget_cents": 50_000_000_00,
        },
    )[0]


@pytest.fixture
def other_programme(db: Any) -> Programme:
    return Programme.objects.update_or_create(
        slug="digisprong",
        defaults={
            "name": "Digisprong",
            "policy_domain": "Onderwijs",
            "budget_cents": 375_000_000_00,
        },
    )[0]


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
