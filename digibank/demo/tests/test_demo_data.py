"""The demo data command: realistic, deterministic, valid, and only once."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import RequestFactory

from digibank.accounts.models import Membership, ProgrammeRole, User
from digibank.accounts.roles import HubRole, ProgrammeRoleKind
from digibank.demo.seed_accounts import DEMO_LOGINS, DEMO_PASSWORD
from digibank.network.models import Hub, Location, Organisation, Postcode, Region
from digibank.network.validators import validate_enterprise_number
from digibank.people.keys import search_keys
from digibank.people.models import Consent, Participant

pytestmark = pytest.mark.django_db


def load(scale: str = "tiny", seed: int = 42, **options: Any) -> str:
    out = StringIO()
    call_command("demo_data", scale=scale, seed=seed, stdout=out, **options)
    return out.getvalue()


def test_small_scale_spreads_hubs_over_the_provinces() -> None:
    load("small")
    hubs = list(Hub.objects.select_related("lead_organisation__municipality", "programme"))
    assert 7 <= len(hubs) <= 10
    centres = [hub.lead_organisation.municipality for hub in hubs]
    provinces = {centre.province_nl for centre in centres if centre}
    assert {
        "Antwerpen",
        "Oost-Vlaanderen",
        "West-Vlaanderen",
        "Vlaams-Brabant",
        "Limburg",
    } <= provinces
    assert any(centre and centre.region == Region.BRUSSELS for centre in centres)
    programmes = {hub.programme.slug for hub in hubs}
    assert "digibanken" in programmes
    assert programmes & {"lokale-besturen", "digisprong"}
    for hub in hubs:
        assert 2 <= hub.locations.count() <= 5
        partner_types = list(hub.partners.values_list("partner_type", flat=True))
        assert 2 <= len(partner_types) <= 4
        assert len(set(partner_types)) == len(partner_types)
        area = list(hub.service_area.all())
        assert area
        assert all(m.valid_until is None for m in area)
        assert hub.memberships.filter(role=HubRole.DIGIHELPER).exists()
    assert 200 <= Participant.objects.count() <= 600
    # Help points lie in their hub's area, with opening hours and a holiday closure.
    for location in Location.objects.select_related("hub"):
        assert location.hub.service_area.filter(pk=location.municipality_id).exists()
        assert Postcode.objects.filter(code=location.postcode).exists()
        assert location.opening_hours.exists()
        assert location.exceptions.filter(is_closed=True).exists()


def test_every_demo_login_signs_in_with_its_role(settings: Any) -> None:
    settings.DEMO_MODE = True
    load()
    request = RequestFactory().post("/accounts/login/")
    for login in DEMO_LOGINS:
        user = authenticate(request, username=login.email, password=DEMO_PASSWORD)
        assert user is not None, login.email
    first, second = Hub.objects.order_by("pk")[:2]
    for role in HubRole.values:
        assert Membership.objects.filter(
            hub=first,
            role=role,
            user__email__startswith=("partner@" if role == HubRole.PARTNER_VIEWER else f"{role}@"),
        ).exists()
    coordinator = User.objects.get(email="coordinator@digibank.example")
    assert set(coordinator.memberships.values_list("hub", flat=True)) == {first.pk, second.pk}
    assert ProgrammeRole.objects.filter(
        user__email="officer@digibank.example",
        programme__slug="digibanken",
        role=ProgrammeRoleKind.OFFICER,
    ).exists()
    assert ProgrammeRole.objects.filter(
        user__email="reviewer@digibank.example", role=ProgrammeRoleKind.REVIEWER
    ).exists()
    admin = User.objects.get(email="admin@digibank.example")
    assert admin.is_staff
    assert admin.is_superuser
    # Staff and volunteers other than the demo logins cannot sign in.
    assert (
        not User.objects.exclude(email__endswith="@digibank.example")
        .filter(password__startswith="md5")
        .exists()
    )


def _people() -> list[tuple[Any, ...]]:
    return list(
        Participant.objects.order_by("pk").values_list(
            "given_name", "family_name", "phone", "email", "birth_year", "postcode"
        )
    )


def test_the_same_seed_gives_the_same_data() -> None:
    runs = []
    for seed in (7, 7, 8):
        with transaction.atomic():
            load(seed=seed)
            runs.append(_people())
            transaction.set_rollback(True)
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]


def test_enterprise_numbers_are_valid_and_unique() -> None:
    load()
    numbers = list(Organisation.objects.values_list("enterprise_number", flat=True))
    assert numbers
    assert all(numbers)
    assert len(numbers) == len(set(numbers))
    for number in numbers:
        validate_enterprise_number(number)


def test_participants_are_valid_and_searchable() -> None:
    load()
    participants = list(Participant.objects.all())
    assert participants
    names = " ".join(f"{p.given_name} {p.family_name}" for p in participants)
    assert not names.isascii()  # accents and other scripts' names are there
    for participant in participants:
        participant.full_clean()
        expected = search_keys(
            given_name=participant.given_name,
            family_name=participant.family_name,
            phone=participant.phone,
        )
        assert {key: getattr(participant, key) for key in expected} == expected
        if participant.anonymised_at is None:
            assert participant.family_key
            assert participant.given_key
            assert Postcode.objects.filter(
                code=participant.postcode, municipality=participant.municipality_id
            ).exists()
            assert participant.hub.service_area.filter(pk=participant.municipality_id).exists()
    assert Consent.objects.filter(purpose="registration").count() > len(participants) / 2


def test_demo_data_goes_into_an_empty_database_only() -> None:
    load()
    hubs = Hub.objects.count()
    with pytest.raises(CommandError, match="empty database"):
        load()
    assert "already" in load(if_empty=True)
    assert Hub.objects.count() == hubs


def test_print_logins_lists_one_account_per_role(settings: Any) -> None:
    settings.DEMO_MODE = True
    output = load(print_logins=True)
    for login in DEMO_LOGINS:
        assert login.email in output
    assert DEMO_PASSWORD in output
    assert not Hub.objects.exists()


# --- outside demo mode ---------------------------------------------------------------


def _signs_in(email: str, password: str) -> bool:
    request = RequestFactory().post("/accounts/login/")
    return authenticate(request, username=email, password=password) is not None


def test_outside_demo_mode_a_database_with_real_accounts_is_refused(settings: Any) -> None:
    settings.DEMO_MODE = False
    User.objects.create_user(email="an.echte@ocmw.example.be", password="x" * 12)
    with pytest.raises(CommandError, match="1 accounts of real people"):
        load()
    with pytest.raises(CommandError, match="real people"):
        load(if_empty=True)
    assert not Hub.objects.exists()
    assert User.objects.count() == 1


def test_demo_mode_may_load_next_to_real_accounts(settings: Any) -> None:
    settings.DEMO_MODE = True
    User.objects.create_user(email="an.echte@ocmw.example.be", password="x" * 12)
    load()
    assert Hub.objects.exists()


def test_outside_demo_mode_the_published_password_is_never_set(settings: Any) -> None:
    settings.DEMO_MODE = False
    output = load()
    line = next(line for line in output.splitlines() if line.startswith("Staff member"))
    password = line.split()[-1]
    assert password != DEMO_PASSWORD
    assert DEMO_PASSWORD not in output
    for login in DEMO_LOGINS:
        assert not _signs_in(login.email, DEMO_PASSWORD), login.email
    assert _signs_in(DEMO_LOGINS[0].email, password)
    with pytest.raises(CommandError, match="random password"):
        load(print_logins=True)
