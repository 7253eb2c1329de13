"""The scan desk: a label's QR code, decoded by a real decoder, opens the device in
every lookup (tag, the label's tag URL, the old /devices/<id>/ URL); the scan page's
card shows who holds the device to those who lend, and the device page its loans."""

from __future__ import annotations

import io
from typing import Any

import pytest
import zxingcpp
from django.test import RequestFactory
from django.urls import reverse
from PIL import Image

from digibank.accounts.models import User
from digibank.core.models import JournalEntry
from digibank.devices.models import Device, normalise_tag
from digibank.devices.queries import device_by_tag
from digibank.devices.services import stock_take_record
from digibank.devices.views import label_qr, label_url
from digibank.lending import services
from digibank.network.models import Hub, Location, LocationKind, Municipality
from digibank.people.models import Participant

from .conftest import MakeDevice, lending_url
from .test_views import ClientFor

pytestmark = pytest.mark.django_db


def _decode(png: bytes) -> str:
    """Read a QR code from an image as a hand scanner or a camera would."""
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)).convert("L"))
    assert len(found) == 1
    return str(found[0].text)


def _label_png(hub: Hub, device: Device) -> bytes:
    request = RequestFactory().get("/", HTTP_HOST="testserver")
    buffer = io.BytesIO()
    label_qr(label_url(request, hub.slug, str(device.tag))).save(buffer, kind="png", scale=4)
    return buffer.getvalue()


def test_a_decoded_label_opens_the_device_in_every_lookup(
    staff: User, hub: Hub, make_device: MakeDevice, client_for: ClientFor
) -> None:
    device = make_device()
    scanned = _decode(_label_png(hub, device))
    assert scanned.endswith(f"/devices/t/{device.tag}")  # the last part is the tag
    legacy = f"https://old.example.org/h/{hub.slug}/devices/{device.pk}/"
    for code in (scanned, str(device.tag), legacy, f" {str(device.tag).lower()} "):
        assert normalise_tag(code) == device.tag
        assert device_by_tag(hub=hub, tag=code) == device
    client = client_for(staff)
    # The label's URL itself (a phone camera opens it) leads to the device page.
    opened = client.get(scanned.removeprefix("http://testserver"))
    assert opened.status_code == 302
    assert opened["Location"] == reverse(
        "devices:detail", kwargs={"hub": hub.slug, "pk": device.pk}
    )
    # find, the scan desk and stock-take take what the scanner typed.
    found = client.get(reverse("devices:find", kwargs={"hub": hub.slug}), {"tag": legacy})
    assert found.status_code == 302
    card = client.get(lending_url(hub, "scan"), {"code": scanned})
    assert str(device.tag).encode() in card.content
    location = Location.objects.create(
        hub=hub,
        name="Balie",
        kind=LocationKind.DIGIPUNT,
        postcode="9000",
        municipality=Municipality.objects.get(postcodes__code="9000", postcodes__place_name="Gent"),
    )
    take, unknown = stock_take_record(
        actor=staff, hub=hub, location=location, tags=[scanned, legacy]
    )
    assert unknown == []
    assert list(take.seen.values_list("device_id", flat=True)) == [device.pk]


def test_other_hubs_devices_and_nonsense_are_not_found(
    staff: User, hub: Hub, other_hub: Hub, make_device: MakeDevice, client_for: ClientFor
) -> None:
    theirs = make_device(hub=other_hub)
    assert device_by_tag(hub=hub, tag=str(theirs.tag)) is None
    assert device_by_tag(hub=hub, tag=f"/h/x/devices/{theirs.pk}/") is None
    for nonsense in ("/devices/0/", "/devices/99999999999999999999/", "///", "?"):
        assert device_by_tag(hub=hub, tag=nonsense) is None
    page = client_for(staff).get(lending_url(hub, "scan"), {"code": str(theirs.tag)})
    assert page.status_code == 200
    assert b"No device of this hub" in page.content
    label = client_for(staff).get(
        reverse("devices:by_label", kwargs={"hub": hub.slug, "tag": str(theirs.tag)})
    )
    assert label.status_code == 404


def test_card_shows_the_holder_due_date_and_return_journaled(
    staff: User,
    hub: Hub,
    participant: Participant,
    make_device: MakeDevice,
    client_for: ClientFor,
    django_assert_max_num_queries: Any,
) -> None:
    device = make_device()
    loan = services.loan_checkout(actor=staff, hub=hub, device=device, participant=participant)
    client = client_for(staff)
    with django_assert_max_num_queries(20):
        page = client.get(lending_url(hub, "scan"), {"code": str(device.tag)})
    html = page.content.decode()
    assert participant.display_name in html
    assert loan.due_on is not None
    assert lending_url(hub, "loan_return", pk=loan.pk) in html
    read = JournalEntry.objects.filter(action="participant.view").latest("id")
    assert read.participant_id == participant.pk
    assert read.details["page"] == "lending:scan"
    # An empty scan page names nobody and writes no read.
    before = JournalEntry.objects.count()
    assert client.get(lending_url(hub, "scan")).status_code == 200
    assert JournalEntry.objects.count() == before


def test_ready_device_card_points_to_the_waiting_list(
    staff: User,
    hub: Hub,
    participant: Participant,
    make_device: MakeDevice,
    client_for: ClientFor,
) -> None:
    services.request_create(actor=staff, participant=participant, kind="monitor")
    device = make_device()
    page = client_for(staff).get(lending_url(hub, "scan"), {"code": str(device.tag)})
    html = page.content.decode()
    assert "Offer it to the first person waiting" in html
    assert "Count it in a stock-take" in html
    assert f"tags={device.tag}" in html


def test_device_page_shows_loans_to_those_who_lend(
    staff: User,
    hub: Hub,
    participant: Participant,
    make_device: MakeDevice,
    client_for: ClientFor,
    django_assert_max_num_queries: Any,
) -> None:
    device = make_device()
    loan = services.loan_checkout(actor=staff, hub=hub, device=device, participant=participant)
    services.loan_return(
        actor=staff,
        loan=loan,
        powers_on=True,
        accessories_back=True,
        data_removed=True,
        outcome="ready",
    )
    services.loan_checkout(actor=staff, hub=hub, device=device, participant=participant)
    url = reverse("devices:detail", kwargs={"hub": hub.slug, "pk": device.pk})
    with django_assert_max_num_queries(36):
        page = client_for(staff).get(url)
    html = page.content.decode()
    assert "Loans and reservations" in html
    assert "Earlier loans" in html
    assert html.count(participant.display_name) >= 2
    assert JournalEntry.objects.filter(
        action="participant.view", participant_id=participant.pk, details__page="devices:detail"
    ).exists()
