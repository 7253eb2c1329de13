"""Digisprong: a class list in CSV gives every pupil a device, all rows or none."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from digibank.accounts.models import User
from digibank.lending.models import Loan, LoanKind
from digibank.network.models import Hub
from digibank.people.models import Participant

from .conftest import MakeDevice, lending_url, post_class_list

pytestmark = pytest.mark.django_db


def _csv(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("klas5a.csv", text.encode(), content_type="text/csv")


def test_class_list_assigns_a_device_per_pupil(
    client_for: Callable[[User], Client], coordinator: User, hub: Hub, make_device: MakeDevice
) -> None:
    a, b = make_device(), make_device()
    text = f"voornaam;familienaam;label\nLina;Janssens;{a.tag}\nYusuf;Demir;{b.tag}\n"
    response = post_class_list(
        client_for(coordinator),
        hub,
        {"file": _csv(text), "goals_plan": "Schoolwerk", "class_name": "5A"},
    )
    assert response.status_code == 302
    loans = Loan.objects.order_by("pk")
    assert [loan.kind for loan in loans] == [LoanKind.LONG_TERM] * 2
    assert all(loan.due_on is None for loan in loans)
    assert Participant.objects.filter(target_groups__group="pupil").count() == 2


def test_one_bad_row_saves_nothing(
    client_for: Callable[[User], Client], coordinator: User, hub: Hub, make_device: MakeDevice
) -> None:
    a = make_device()
    text = f"given_name,family_name,tag\nLina,Janssens,{a.tag}\nYusuf,Demir,DB99999999\n,,{a.tag}\n"
    response = client_for(coordinator).post(
        lending_url(hub, "class_assign"), {"file": _csv(text), "class_name": "5A"}
    )
    assert response.status_code == 200
    assert b"Row 3: no device of this hub has the tag" in response.content
    assert b"Row 4: give the pupil" in response.content
    assert not Loan.objects.exists()
    assert not Participant.objects.exists()


def test_bad_columns_are_explained(
    client_for: Callable[[User], Client], coordinator: User, hub: Hub
) -> None:
    response = client_for(coordinator).post(
        lending_url(hub, "class_assign"), {"file": _csv("a,b\n1,2\n"), "class_name": "5A"}
    )
    assert response.status_code == 200
    assert b"must name the columns" in response.content


def test_a_value_too_long_to_read_is_refused_with_a_message(
    client_for: Callable[[User], Client], coordinator: User, hub: Hub
) -> None:
    text = "given_name,family_name,tag\nLina,Janssens," + "A" * 150_000
    response = client_for(coordinator).post(
        lending_url(hub, "class_assign"), {"file": _csv(text), "class_name": "5A"}
    )
    assert response.status_code == 200
    assert b"cannot be read" in response.content
    assert not Loan.objects.exists()


def test_a_class_list_with_old_mac_line_ends_is_read(
    client_for: Callable[[User], Client], coordinator: User, hub: Hub, make_device: MakeDevice
) -> None:
    a = make_device()
    text = f"given_name,family_name,tag\rLina,Janssens,{a.tag}\r"
    response = post_class_list(
        client_for(coordinator), hub, {"file": _csv(text), "class_name": "5A"}
    )
    assert response.status_code == 302
    assert Loan.objects.count() == 1


def test_the_preview_saves_nothing_and_shows_new_rows(
    client_for: Callable[[User], Client], coordinator: User, hub: Hub, make_device: MakeDevice
) -> None:
    a = make_device()
    text = f"given_name,family_name,tag,birth_year\nLina,Janssens,{a.tag},2015\n"
    response = client_for(coordinator).post(
        lending_url(hub, "class_assign"), {"file": _csv(text), "class_name": "5A"}
    )
    assert response.status_code == 200
    assert b"1 new pupil" in response.content
    assert not Loan.objects.exists()
    assert not Participant.objects.exists()


def test_a_second_import_matches_pupils_of_the_class_instead_of_duplicating(
    client_for: Callable[[User], Client], coordinator: User, hub: Hub, make_device: MakeDevice
) -> None:
    a, b, c = make_device(), make_device(), make_device()
    client = client_for(coordinator)
    first = (
        "given_name,family_name,tag,birth_year\n"
        f"Lina,Janssens,{a.tag},2015\nYusuf,Demir,{b.tag},2015\n"
    )
    assert (
        post_class_list(client, hub, {"file": _csv(first), "class_name": "5A"}).status_code == 302
    )
    lina = Participant.objects.get(given_name="Lina")
    assert lina.birth_year == 2015

    # Lina is matched (accents and case do not matter) and keeps her device; Yusuf is
    # not on the new list; Sara is new; a Lina born another year is someone else.
    second = (
        "given_name,family_name,tag,birth_year\n"
        f"LINA,janssens,{a.tag},2015\nSara,Peeters,{c.tag},2016\n"
    )
    preview = client.post(
        lending_url(hub, "class_assign"), {"file": _csv(second), "class_name": "5A"}
    )
    page = preview.content.decode()
    assert "1 new pupil" in page
    assert "1 pupil already has this device" in page
    assert "1 pupil of the class is not on this list" in page
    assert "Yusuf Demir" in page
    assert Participant.objects.count() == 2  # still nothing saved

    response = post_class_list(client, hub, {"file": _csv(second), "class_name": "5A"})
    assert response.status_code == 302
    assert Participant.objects.filter(given_name__iexact="lina").count() == 1
    assert Participant.objects.count() == 3
    assert Loan.objects.filter(participant=lina).count() == 1


def test_a_matched_pupil_gets_the_new_device(
    client_for: Callable[[User], Client],
    coordinator: User,
    staff: User,
    hub: Hub,
    make_device: MakeDevice,
) -> None:
    from digibank.lending import services

    a, b = make_device(), make_device()
    client = client_for(coordinator)
    first = f"given_name,family_name,tag,birth_year\nLina,Janssens,{a.tag},2015\n"
    post_class_list(client, hub, {"file": _csv(first), "class_name": "5A"})
    loan = Loan.objects.get()
    services.loan_return(
        actor=staff,
        loan=loan,
        powers_on=True,
        accessories_back=True,
        data_removed=True,
        outcome="in_repair",
    )
    second = f"given_name,family_name,tag,birth_year\nLina,Janssens,{b.tag},2015\n"
    preview = client.post(
        lending_url(hub, "class_assign"), {"file": _csv(second), "class_name": "5A"}
    )
    assert "1 pupil already in the class gets this device" in preview.content.decode()
    post_class_list(client, hub, {"file": _csv(second), "class_name": "5A"})
    assert Participant.objects.count() == 1
    assert Loan.objects.filter(device=b, returned_at__isnull=True).get().participant_id == (
        loan.participant_id
    )


def test_a_bad_year_of_birth_is_a_row_to_correct(
    client_for: Callable[[User], Client], coordinator: User, hub: Hub, make_device: MakeDevice
) -> None:
    a = make_device()
    text = f"given_name,family_name,tag,birth_year\nLina,Janssens,{a.tag},15\n"
    response = client_for(coordinator).post(
        lending_url(hub, "class_assign"), {"file": _csv(text), "class_name": "5A"}
    )
    assert b"Row 2: the year of birth must be a year" in response.content
    assert b'name="plan"' not in response.content
