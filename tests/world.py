"""A small world of two hubs in two programmes, each holding at least one row of every
hub-owned kind, for the tenancy walker (tests/test_tenancy.py).

Hub A ("gent") is where the signed-in roles belong; hub B ("hasselt") is the other
tenant whose records nobody of hub A, and no programme role, may reach. The personal
data of hub B is made of rare, recognisable strings, so a leak in any response body is
found by a plain substring search.

When an app adds a hub-owned model that URLs take ids of, add one row of it to
`_fill_side` (both hubs get one) under a kind name, and teach the kind to
`tests/urlwalk.py` if its URL kwargs do not name it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from typing import Any

import pytest
from django.db import models, transaction
from django.test import override_settings
from django.utils import timezone, translation

from digibank.accounts.models import Membership, User
from digibank.accounts.roles import HubRole, ProgrammeRoleKind
from digibank.core.journal import journal_write
from digibank.network.models import (
    Hub,
    HubPartner,
    Location,
    LocationKind,
    Municipality,
    OpeningException,
    OpeningHours,
    Organisation,
    OrganisationKind,
    PartnerType,
    Programme,
)
from digibank.people.keys import apply_search_keys
from digibank.people.models import (
    AnonymousVisitor,
    Consent,
    ConsentPurpose,
    Participant,
    ParticipantTargetGroup,
    TargetGroup,
)

from .world_extensions import extension_modules

# The roles the walker signs in as. Hub roles belong to hub A; programme roles to hub
# A's programme; "nobody" is signed in without any membership; "anonymous" is not.
HUB_A_ROLES: tuple[str, ...] = tuple(HubRole.values)
PROGRAMME_ROLES: tuple[str, ...] = tuple(f"programme_{kind}" for kind in ProgrammeRoleKind.values)
OUTSIDER_ROLES: tuple[str, ...] = ("nobody", "anonymous")
# Roles the apps' world extensions add (an applicant of an organisation: funding).
EXTRA_ROLES: tuple[str, ...] = tuple(
    role for extension in extension_modules() for role in getattr(extension, "EXTRA_ROLES", ())
)
ALL_ROLES: tuple[str, ...] = HUB_A_ROLES + PROGRAMME_ROLES + EXTRA_ROLES + OUTSIDER_ROLES

# Roles that may never see a participant's personal data, of any hub.
NO_PERSONAL_DATA_ROLES: frozenset[str] = frozenset(
    {HubRole.PARTNER_VIEWER.value, *PROGRAMME_ROLES, *EXTRA_ROLES, *OUTSIDER_ROLES}
)


@dataclass
class Side:
    """The records of one hub: kind -> rows (two of a kind where URLs take two ids)."""

    hub: Hub
    programme: Programme
    objects: dict[str, list[models.Model]] = field(default_factory=dict)
    # Participants' personal data as written in the database.
    personal_data: list[str] = field(default_factory=list)
    # Other records of this hub that another hub must not see (staff, help points).
    hub_records: list[str] = field(default_factory=list)

    # The walker's signed-in users (side A only: records of side A may belong to them,
    # such as the programme reviewer's review assignment).
    users: dict[str, User | None] = field(default_factory=dict)

    def add(self, kind: str, *rows: models.Model) -> None:
        self.objects.setdefault(kind, []).extend(rows)


@dataclass
class World:
    a: Side
    b: Side
    users: dict[str, User | None]

    def side(self, name: str) -> Side:
        return self.a if name == "a" else self.b


@dataclass(frozen=True)
class Person:
    given_name: str
    family_name: str
    phone: str
    email: str

    @property
    def secrets(self) -> list[str]:
        return [self.given_name, self.family_name, self.phone, self.email]


# Rare names, so a substring search finds a leak and nothing else.
PEOPLE_A = (
    Person("Annelore", "Debruyckere", "0478 12 34 90", "annelore.debruyckere@example.org"),
    Person("Wannes", "Vandekerckhove", "+32 9 223 45 67", "wannes.vdk@example.org"),
)
PEOPLE_B = (
    Person("Gudrun", "Xanthopoulos", "0471 98 76 54", "gudrun.xanthopoulos@example.net"),
    Person("Quirijn", "Zwartvaegher", "+32 495 11 22 33", "quirijn.zw@example.net"),
)


def _participant(
    hub: Hub, person: Person, municipality: Municipality, postcode: str, actor: User
) -> Participant:
    participant = Participant(
        hub=hub,
        given_name=person.given_name,
        family_name=person.family_name,
        phone=person.phone,
        email=person.email,
        birth_year=1961,
        postcode=postcode,
        municipality=municipality,
        created_by=actor,
    )
    apply_search_keys(participant)
    participant.save()
    return participant


def _fill_side(
    side: Side, *, label: str, people: tuple[Person, ...], nis: str, postcode: str, colleague: User
) -> None:
    hub = side.hub
    municipality = Municipality.objects.get(nis_code=nis)
    hub.service_area.add(municipality)
    membership = Membership.objects.create(user=colleague, hub=hub, role=HubRole.STAFF)
    side.add("membership", membership)
    side.add("user", colleague)
    side.hub_records += [colleague.full_name, colleague.email]

    participants = [_participant(hub, p, municipality, postcode, colleague) for p in people]
    side.add("participant", *participants)
    for person in people:
        side.personal_data += person.secrets
    first = participants[0]
    side.add(
        "target_group",
        ParticipantTargetGroup.objects.create(participant=first, group=TargetGroup.SENIOR),
    )
    side.add(
        "consent",
        Consent.objects.create(
            participant=first,
            purpose=ConsentPurpose.REGISTRATION,
            notice_version="2025-01",
            recorded_by=colleague,
        ),
        Consent.objects.create(
            participant=first,
            purpose=ConsentPurpose.CONTACT,
            notice_version="2025-01",
            recorded_by=colleague,
            withdrawn_at=timezone.now(),
        ),
    )

    location = Location.objects.create(
        hub=hub,
        name=f"Digipunt {label} Oosterveld",
        kind=LocationKind.DIGIPUNT,
        street=f"{label}straat 17",
        postcode=postcode,
        municipality=municipality,
        offers_lending=True,
        offers_training=True,
        accessibility_notes="Step-free entrance.",
    )
    side.add("location", location)
    side.hub_records += [location.name, location.street]
    side.add(
        "opening_hours",
        OpeningHours.objects.create(
            location=location, weekday=0, opens_at=time(9), closes_at=time(12)
        ),
    )
    side.add(
        "opening_exception",
        OpeningException.objects.create(
            location=location, date=date.today() + timedelta(days=30), reason="Holiday"
        ),
    )
    side.add(
        "visitor",
        AnonymousVisitor.objects.create(
            hub=hub, location=location, age_band="65-79", postcode=postcode, recorded_by=colleague
        ),
    )
    organisation = Organisation.objects.create(
        name=f"Vzw {label} Samen Digitaal", kind=OrganisationKind.CIVIL_SOCIETY
    )
    side.add("organisation", organisation)
    side.add(
        "partner",
        HubPartner.objects.create(
            hub=hub,
            organisation=organisation,
            partner_type=PartnerType.CIVIL_SOCIETY,
            role="Lends laptops",
        ),
    )
    side.add(
        "journal",
        journal_write(actor=colleague, action="participant.create", subject=first, hub_id=hub.pk),
    )
    side.add("hub", hub)
    side.add("programme", side.programme)
    for extension in extension_modules():
        if fill := getattr(extension, "fill", None):
            fill(
                side,
                label=label,
                colleague=colleague,
                location=location,
                participants=participants,
            )


def build_world(*, hub: Hub, other_hub: Hub, make_user: Callable[..., User]) -> World:
    """Hub A is `hub` (the root fixture, programme A); hub B is `other_hub`."""
    a = Side(hub=hub, programme=hub.programme)
    b = Side(hub=other_hub, programme=other_hub.programme)
    users: dict[str, User | None] = {}
    for role in HUB_A_ROLES:
        users[role] = make_user(role, hub, full_name=f"Role {role}")
    for kind in ProgrammeRoleKind.values:
        users[f"programme_{kind}"] = make_user(
            programme=a.programme, programme_role=kind, full_name=f"Role programme {kind}"
        )
    users["nobody"] = make_user(full_name="Role nobody")
    users["anonymous"] = None
    for extension in extension_modules():
        if make_users := getattr(extension, "make_users", None):
            users.update(make_users(make_user=make_user, programme=a.programme))
    a.users = users

    _fill_side(
        a,
        label="Gent",
        people=PEOPLE_A,
        nis="44021",
        postcode="9000",
        colleague=make_user(full_name="Mieke Gentse-Collega", email="mieke.collega@example.org"),
    )
    _fill_side(
        b,
        label="Hasselt",
        people=PEOPLE_B,
        nis="71072",
        postcode="3500",
        colleague=make_user(full_name="Hilde Hasselaar", email="hilde.hasselaar@example.net"),
    )
    return World(a=a, b=b, users=users)


def phone_pattern(phone: str) -> re.Pattern[str]:
    """Finds a phone number however it is written: 0471 98 76 54, 0471/98.76.54,
    +32 471 98 76 54, 0471987654. Separators are short, so digits in different table
    cells never match."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if phone.strip().startswith("+32"):
        digits = digits.removeprefix("32")
    digits = digits.removeprefix("0")
    separator = r"(?:[\s./()\-]|&nbsp;|&#160;|\u00a0){0,3}"
    return re.compile(separator.join(re.escape(d) for d in digits))


def leaks(body: str, secrets: list[str]) -> list[str]:
    """The secrets (names, e-mails, phones) found in a response body."""
    lowered = body.lower()
    found = []
    for secret in secrets:
        if any(ch.isalpha() for ch in secret):
            if secret.lower() in lowered:
                found.append(secret)
        elif phone_pattern(secret).search(body):
            found.append(secret)
    return found


def snapshot_of(hub: Hub) -> dict[str, list[dict[str, Any]]]:
    """Every row that belongs to the hub, directly (a `hub` foreign key) or through one
    hop (a consent through its participant, opening hours through their location), plus
    its journal. Compared before and after the walk: another hub's roles change nothing."""
    from django.apps import apps

    from digibank.core.models import JournalEntry

    result: dict[str, list[dict[str, Any]]] = {}
    hub_models = {m for m in apps.get_models() if _hub_field(m) is not None}
    for model in apps.get_models():
        label = model._meta.label
        if model is Hub:
            result[label] = [dict(row) for row in Hub.objects.filter(pk=hub.pk).values()]
        elif model in hub_models:
            result[label] = list(model._default_manager.filter(hub=hub).order_by("pk").values())
        else:
            for fk in model._meta.get_fields():
                if (
                    isinstance(fk, models.ForeignKey)
                    and fk.related_model in hub_models
                    and fk.related_model is not Hub
                ):
                    rows = model._default_manager.filter(**{f"{fk.name}__hub": hub})
                    result[f"{label}.{fk.name}"] = list(rows.order_by("pk").values())
    journal = JournalEntry.objects.filter(hub_id=hub.pk).order_by("pk").values()
    result["journal"] = [dict(row) for row in journal]
    return result


def _hub_field(model: type[models.Model]) -> models.ForeignKey[Any, Any] | None:
    try:
        found = model._meta.get_field("hub")
    except Exception:
        return None
    if isinstance(found, models.ForeignKey) and found.related_model is Hub:
        return found
    return None


def cross_hub_references() -> list[str]:
    """Rows of one hub pointing at a row of another hub (a visitor of hub A at hub B's
    help point, a participant merged into hub B's record): always a tenancy bug."""
    from django.apps import apps

    problems: list[str] = []
    for model in apps.get_models():
        if _hub_field(model) is None:
            continue
        for fk in model._meta.get_fields():
            if not isinstance(fk, models.ForeignKey) or fk.name == "hub":
                continue
            target = fk.related_model
            if not isinstance(target, type) or _hub_field(target) is None:
                continue
            bad = (
                model._default_manager.filter(**{f"{fk.name}__isnull": False})
                .exclude(**{f"{fk.name}__hub": models.F("hub")})
                .values_list("pk", flat=True)
            )
            problems += [f"{model._meta.label} #{pk}: {fk.name} is in another hub" for pk in bad]
    return problems


def module_world(
    request: pytest.FixtureRequest,
    django_db_blocker: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[World]:
    """One world for a whole test module, for the walkers that ask hundreds of URLs of
    the same world: built once inside a transaction that is rolled back after the
    module's last test. Each test runs in its own savepoint inside it (pytest-django's
    `db`), so what one test writes never reaches the next.

    The world's files go to one folder the module keeps (conftest's upload fixture
    reads `WORLD_MEDIA_ROOT`), and it is built in English, as per-test worlds are."""
    from conftest import make_hub, make_other_programme, make_programme, user_maker

    request.getfixturevalue("django_db_setup")  # the test database, created once per run
    media = tmp_path_factory.mktemp("world-media")
    request.module.WORLD_MEDIA_ROOT = media
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        # Like a test case's own block: services' durable blocks may open inside it.
        outer._from_testcase = True  # type: ignore[attr-defined]
        try:
            with override_settings(MEDIA_ROOT=media), translation.override("en"):
                world = build_world(
                    hub=make_hub(make_programme(), "Digibank Gent", "gent"),
                    other_hub=make_hub(make_other_programme(), "Digibank Hasselt", "hasselt"),
                    make_user=user_maker(),
                )
            yield world
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            del request.module.WORLD_MEDIA_ROOT
