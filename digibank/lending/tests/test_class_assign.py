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

from .conftest import MakeDevice, lending_url

pytestmark = pytest.mark.django_db


def _csv(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("klas5a.csv", text.encode(), content_type="text/csv")


def test_class_list_assigns_a_device_per_pupil(
    client_for: Callable[[User], Client], coordinator: User, hub: Hub, make_device: MakeDevice
) -> None:
    a, b = make_device(), make_device()
    text = f"voornaam;familienaam;label\nLina;Janssens;{a.tag}\nYusuf;Demir;{b.tag}\n"
    response = client_for(coordinator).post(
        lending_url(hub, "class_assign"),
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
    response = client_for(coordinator).post(
        lending_url(hub, "class_assign"), {"file": _csv(text), "class_name": "5A"}
    )
    assert response.status_code == 302
    assert Loan.objects.count() == 1
