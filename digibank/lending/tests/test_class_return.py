"""End of the school year: the devices of a class come back together, all or nothing,
with one checklist, per-device exceptions, a confirmation and a summary."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from digibank.accounts.models import User
from digibank.core.models import JournalEntry
from digibank.devices.models import Device, DeviceStatus
from digibank.lending import services
from digibank.lending.models import Loan, SchoolClass
from digibank.network.models import Hub

from .conftest import MakeDevice, lending_url, post_class_list

pytestmark = pytest.mark.django_db


def _assign(actor: User, hub: Hub, devices: list[Device], name: str = "5A") -> list[Loan]:
    rows: list[Mapping[str, str]] = [
        {"given_name": f"Pupil{n}", "family_name": "Janssens", "tag": str(device.tag)}
        for n, device in enumerate(devices)
    ]
    return services.class_assign(actor=actor, hub=hub, rows=rows, class_name=name)


def _return(actor: User, school_class: SchoolClass, loans: list[Loan], **kwargs: Any) -> Any:
    values: dict[str, Any] = {
        "powers_on": True,
        "accessories_back": True,
        "data_removed": True,
        "outcome": "ready",
    }
    values.update(kwargs)
    return services.class_return(
        actor=actor, school_class=school_class, loan_ids=[loan.pk for loan in loans], **values
    )


def test_class_assign_keeps_the_loans_of_a_class_together(
    coordinator: User, hub: Hub, make_device: MakeDevice
) -> None:
    loans = _assign(coordinator, hub, [make_device(), make_device()], name="  5A   2026 ")
    more = _assign(coordinator, hub, [make_device()], name="5A 2026")
    school_class = SchoolClass.objects.get()
    assert school_class.name == "5A 2026"
    assert school_class.loans.count() == 3
    assert {link.loan_id for link in school_class.loans.all()} == {loan.pk for loan in loans + more}


def test_a_class_returns_its_devices_at_once(
    coordinator: User, hub: Hub, make_device: MakeDevice
) -> None:
    devices = [make_device(), make_device(), make_device()]
    loans = _assign(coordinator, hub, devices)
    school_class = SchoolClass.objects.get()
    counts = _return(
        coordinator,
        school_class,
        loans,
        exceptions={loans[2].pk: "in_repair"},
        notes={loans[2].pk: "Keys missing"},
        note="End of the school year",
    )
    assert counts == {"ready": 2, "in_repair": 1}
    statuses = [Device.objects.get(pk=device.pk).status for device in devices]
    assert statuses == [DeviceStatus.READY, DeviceStatus.READY, DeviceStatus.IN_REPAIR]
    returned = Loan.objects.get(pk=loans[2].pk)
    assert returned.return_note == "Keys missing"
    assert Loan.objects.get(pk=loans[0].pk).return_note == "End of the school year"
    entry = JournalEntry.objects.get(action="lending.class_return")
    assert entry.details["outcomes"] == {"ready": 2, "in_repair": 1}


def test_one_problem_returns_nothing(coordinator: User, hub: Hub, make_device: MakeDevice) -> None:
    devices = [make_device(), make_device()]
    loans = _assign(coordinator, hub, devices)
    school_class = SchoolClass.objects.get()
    with pytest.raises(ValidationError) as error:
        _return(
            coordinator,
            school_class,
            loans,
            data_removed=False,
            outcome="in_repair",
            exceptions={loans[1].pk: "ready"},
        )
    assert str(devices[1].tag) in str(error.value)
    assert not Loan.objects.filter(returned_at__isnull=False).exists()
    assert all(Device.objects.get(pk=d.pk).status == DeviceStatus.ON_LOAN for d in devices)
    # Only loans of this class that are still open.
    other = _assign(coordinator, hub, [make_device()], name="6B")
    with pytest.raises(ValidationError, match="already back"):
        _return(coordinator, school_class, [loans[0], other[0]])
    with pytest.raises(ValidationError, match="at least one"):
        _return(coordinator, school_class, [])
    _return(coordinator, school_class, loans[:1])
    with pytest.raises(ValidationError, match="already back"):
        _return(coordinator, school_class, loans)


def _csv(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("klas.csv", text.encode(), content_type="text/csv")


def test_class_pages_with_confirmation_and_summary(
    client_for: Callable[[User], Client],
    coordinator: User,
    staff: User,
    hub: Hub,
    make_device: MakeDevice,
) -> None:
    a, b = make_device(), make_device()
    client = client_for(coordinator)
    response = post_class_list(
        client,
        hub,
        {
            "file": _csv(
                f"given_name,family_name,tag\nLina,Janssens,{a.tag}\nYusuf,Demir,{b.tag}\n"
            ),
            "class_name": "5A 2026-2027",
        },
    )
    assert response.status_code == 302
    school_class = SchoolClass.objects.get()
    listing = client.get(lending_url(hub, "classes"))
    url = lending_url(hub, "class_return", pk=school_class.pk)
    assert url.encode() in listing.content
    page = client.get(url)
    assert page.content.count(b"checked") >= 2
    assert b"Lina Janssens" in page.content
    loans = {loan.device_id: loan.pk for loan in Loan.objects.all()}
    data = {
        f"pick_{loans[a.pk]}": "on",
        f"pick_{loans[b.pk]}": "on",
        f"outcome_{loans[b.pk]}": "retired",
        "outcome": "ready",
        "powers_on": "on",
        "data_removed": "on",
        "accessories_back": "on",
    }
    confirm = client.post(url, data)
    assert confirm.status_code == 200
    assert b"Take 2 devices back?" in confirm.content
    assert not Loan.objects.filter(returned_at__isnull=False).exists()
    again = client.post(url, {**data, "edit": "yes"})
    assert b"Take 2 devices back?" not in again.content
    assert b"Continue" in again.content
    # The confirmation page posts the same choices back as hidden fields.
    done = client.post(url, {**data, "powers_on": "True", "confirm": "yes"})
    assert done.status_code == 302
    summary = client.get(done["Location"])
    assert b"2 devices are back" in summary.content
    assert b"All devices of this class are back" in summary.content
    assert Device.objects.get(pk=b.pk).status == DeviceStatus.RETIRED
    assert client_for(staff).get(url).status_code == 403


def test_class_return_errors_are_shown(
    client_for: Callable[[User], Client], coordinator: User, hub: Hub, make_device: MakeDevice
) -> None:
    a = make_device()
    _assign(coordinator, hub, [a])
    school_class = SchoolClass.objects.get()
    url = lending_url(hub, "class_return", pk=school_class.pk)
    client = client_for(coordinator)
    response = client.post(url, {"outcome": "ready"})
    assert response.status_code == 200
    assert b"Tick at least one device" in response.content
    loan = Loan.objects.get()
    response = client.post(url, {f"pick_{loan.pk}": "on", "outcome": "ready", "confirm": "yes"})
    assert b"Choose repair for" in response.content
    assert Loan.objects.get().returned_at is None


def test_class_pages_do_not_grow_with_the_data(
    client_for: Callable[[User], Client],
    coordinator: User,
    hub: Hub,
    make_device: MakeDevice,
    django_assert_max_num_queries: Any,
) -> None:
    client = client_for(coordinator)
    for size, name in ((2, "4A"), (30, "5A")):
        _assign(coordinator, hub, [make_device() for _ in range(size)], name=name)
        school_class = SchoolClass.objects.get(name=name)
        for url in (
            lending_url(hub, "classes"),
            lending_url(hub, "class_return", pk=school_class.pk),
        ):
            with django_assert_max_num_queries(12):
                assert client.get(url).status_code == 200
