"""Demo logins (one per role) and each hub's staff and volunteers. The logins get the
published password `digibank-demo` in demo mode only; anywhere else one random password,
shown once when the data is loaded."""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db.models import Q, QuerySet

from digibank.accounts.models import Membership, ProgrammeRole, User
from digibank.accounts.roles import HubRole, ProgrammeRoleKind
from digibank.core.text import fold
from digibank.network.models import Hub, Programme

from .names import ORIGINS

DEMO_PASSWORD = "digibank-demo"  # noqa: S105 - the demo's published password
DEMO_DOMAIN = "digibank.example"


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    full_name: str
    description: str


DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin(
        HubRole.COORDINATOR,
        f"coordinator@{DEMO_DOMAIN}",
        "Ann De Smet",
        "Coordinator of the first two hubs (switch between them)",
    ),
    DemoLogin(HubRole.STAFF, f"staff@{DEMO_DOMAIN}", "Sam Peeters", "Staff member"),
    DemoLogin(
        HubRole.DIGIHELPER, f"digihelper@{DEMO_DOMAIN}", "Dirk Janssens", "Volunteer digihelper"
    ),
    DemoLogin(HubRole.TRAINER, f"trainer@{DEMO_DOMAIN}", "Fatima El Amrani", "Trainer"),
    DemoLogin(
        HubRole.PARTNER_VIEWER,
        f"partner@{DEMO_DOMAIN}",
        "Pieter Maes",
        "Partner organisation (read only)",
    ),
    DemoLogin(
        ProgrammeRoleKind.OFFICER,
        f"officer@{DEMO_DOMAIN}",
        "Olga Kovalenko",
        "Programme officer, Digibanken (aggregates only)",
    ),
    DemoLogin(
        ProgrammeRoleKind.REVIEWER,
        f"reviewer@{DEMO_DOMAIN}",
        "Rik Vermeulen",
        "Reviewer, Digibanken",
    ),
    DemoLogin(
        "applicant",
        f"applicant@{DEMO_DOMAIN}",
        "Lotte Claes",
        "Applicant for an organisation (funding applications)",
    ),
    DemoLogin("admin", f"admin@{DEMO_DOMAIN}", "Ada Admin", "Platform admin"),
)


def demo_logins_password() -> str:
    """The published password in demo mode; outside it a random one, so a database
    loaded with demo data on a reachable server has no account anyone knows into."""
    return DEMO_PASSWORD if settings.DEMO_MODE else secrets.token_urlsafe(12)


def real_users() -> QuerySet[User]:
    """Accounts the demo data did not make (theirs end in @…digibank.example)."""
    return User.objects.exclude(
        Q(email__iendswith=f"@{DEMO_DOMAIN}") | Q(email__iendswith=f".{DEMO_DOMAIN}")
    )


def logins_table(hub_names: list[str] | None = None, *, password: str = DEMO_PASSWORD) -> str:
    """The demo logins as a plain-text table: role, e-mail, password."""
    rows = [("Role", "E-mail", "Password")]
    for login in DEMO_LOGINS:
        rows.append((login.description, login.email, password))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = []
    for index, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
        if index == 0:
            lines.append("  ".join("-" * width for width in widths))
    if hub_names:
        lines.append("")
        lines.append("Hubs of the hub roles: " + ", ".join(hub_names))
    return "\n".join(lines)


def create_demo_logins(*, hubs: list[Hub], programme: Programme, password: str) -> list[User]:
    """The demo accounts, all with `password`; updated in place when they exist already."""
    password = make_password(password)  # hashed once: argon2 is slow on purpose
    users = []
    for login in DEMO_LOGINS:
        user, _ = User.objects.update_or_create(
            email=login.email,
            defaults={
                "full_name": login.full_name,
                "password": password,
                "is_active": True,
                "is_staff": login.role == "admin",
                "is_superuser": login.role == "admin",
            },
        )
        if login.role in HubRole.values:
            Membership.objects.update_or_create(
                user=user, hub=hubs[0], defaults={"role": login.role, "is_active": True}
            )
            if login.role == HubRole.COORDINATOR and len(hubs) > 1:
                Membership.objects.update_or_create(
                    user=user, hub=hubs[1], defaults={"role": login.role, "is_active": True}
                )
        elif login.role in ProgrammeRoleKind.values:
            ProgrammeRole.objects.get_or_create(user=user, programme=programme, role=login.role)
        users.append(user)
    return users


def create_team(*, hub: Hub, team: tuple[int, int], rng: random.Random) -> dict[str, list[int]]:
    """Staff and volunteers of one hub, who cannot log in (no usable password). Returns
    user ids by role."""
    roles = (
        [HubRole.COORDINATOR]
        + [HubRole.STAFF] * rng.randint(1, 3)
        + [HubRole.DIGIHELPER] * rng.randint(*team)
        + [HubRole.TRAINER] * rng.randint(1, 2)
        + [HubRole.PARTNER_VIEWER]
    )
    origins = ORIGINS[:4]
    weights = [origin.weight for origin in origins]
    users = []
    emails: set[str] = set()
    for _ in roles:
        origin = rng.choices(origins, weights)[0]
        given = rng.choice(origin.women + origin.men)
        family = rng.choice(origin.family)
        local = f"{fold(given)}.{fold(family)}".replace(" ", "")
        email = f"{local}@{hub.slug}.{DEMO_DOMAIN}"
        number = 2
        while email in emails:
            email = f"{local}{number}@{hub.slug}.{DEMO_DOMAIN}"
            number += 1
        emails.add(email)
        users.append(
            User(
                email=email,
                full_name=f"{given} {family}",
                password=make_password(None),
                preferred_language="nl",
            )
        )
    created = User.objects.bulk_create(users)
    Membership.objects.bulk_create(
        Membership(user=user, hub=hub, role=role) for user, role in zip(created, roles, strict=True)
    )
    by_role: dict[str, list[int]] = {}
    for user, role in zip(created, roles, strict=True):
        by_role.setdefault(role, []).append(user.pk)
    return by_role
