"""The scan desk and the fair waiting list in the browser, with axe-core on every page:
a printed label's QR code, decoded from a screenshot, opens the device card and the
return; the coordinator's approvals inbox; a check-out that warns when others wait."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import zxingcpp
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from digibank.accounts.models import User
from digibank.devices.models import Device, DeviceStatus
from digibank.devices.services import device_register, device_transition
from digibank.lending import services
from digibank.lending.models import DeviceRequest, Loan, RequestStatus
from digibank.network.models import Hub
from digibank.people import services as people_services
from digibank.people.models import Participant

from .conftest import TEST_PASSWORD as PASSWORD
from .conftest import Site

pytestmark = pytest.mark.browser


def _person(staff: User, hub: Hub, given: str, family: str) -> Participant:
    return people_services.participant_create(
        actor=staff, hub=hub, data={"given_name": given, "family_name": family}
    )


def _ready_monitor(staff: User, hub: Hub) -> Device:
    device = device_register(actor=staff, hub=hub, kind="monitor", make="Dell", model="P24")
    device_transition(actor=staff, device=device, to=DeviceStatus.READY)
    device.refresh_from_db()
    return device


def test_scan_a_printed_label_and_take_the_device_back(site: Site, staff: User, hub: Hub) -> None:
    person = _person(staff, hub, "Jef", "Claes")
    device = _ready_monitor(staff, hub)
    loan = services.loan_checkout(actor=staff, hub=hub, device=device, participant=person)
    site.sign_in(staff.email, PASSWORD)
    site.switch_language("en")
    # The label as printed: a screenshot of its QR code, read by a real decoder.
    site.visit(f"/h/{hub.slug}/devices/{device.pk}/label/")
    shot = site.page.locator("svg").first.screenshot()
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(shot)).convert("L"))
    assert len(found) == 1
    scanned = found[0].text
    assert scanned.endswith(str(device.tag))
    # A hand scanner types the code and presses Enter.
    site.visit(f"/h/{hub.slug}/lending/scan/")
    field = site.page.locator("#scan-code")
    expect(field).to_be_focused()
    field.fill(scanned)
    site._before_action()
    with site.page.expect_navigation():
        field.press("Enter")
    site.check()
    card = site.page.locator("main section.panel")
    expect(card).to_contain_text("Jef Claes")
    expect(card).to_contain_text("On loan")
    site.submit(card.get_by_role("link", name="Take it back (return checklist)"))
    assert site.path == f"/h/{hub.slug}/lending/loans/{loan.pk}/return/"
    form = site.main_form()
    for name in ("powers_on", "accessories_back", "data_removed"):
        form.locator(f"input[name={name}]").check()
    form.locator("input[name=outcome][value=ready]").check()
    site.submit(form.locator("button[type=submit]"))
    loan.refresh_from_db()
    assert loan.returned_at is not None
    site.finish()


def test_coordinator_approves_from_the_inbox(
    site: Site, staff: User, coordinator: User, hub: Hub
) -> None:
    services.policy_update(actor=coordinator, hub=hub, data={"approval_required": True})
    old = services.request_create(
        actor=staff, participant=_person(staff, hub, "Mina", "Aksoy"), kind="laptop"
    )
    DeviceRequest.objects.filter(pk=old.pk).update(requested_at=timezone.now() - timedelta(days=3))
    services.request_create(
        actor=staff, participant=_person(staff, hub, "Tom", "Peeters"), kind="tablet"
    )
    site.sign_in(coordinator.email, PASSWORD)
    site.switch_language("en")
    site.visit(f"/h/{hub.slug}/lending/approvals/")
    rows = site.page.locator("main tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Mina Aksoy")
    expect(rows.first).to_contain_text("3\xa0days")
    site.submit(rows.first.get_by_role("button", name="Approve the request of Mina Aksoy"))
    expect(site.page.locator("main tbody tr")).to_have_count(1)
    old.refresh_from_db()
    assert old.status == RequestStatus.WAITING
    site.visit(f"/h/{hub.slug}/lending/follow-up/")
    site.finish()


def test_checkout_warns_when_others_wait(site: Site, staff: User, hub: Hub) -> None:
    services.request_create(
        actor=staff, participant=_person(staff, hub, "Wacht", "Lange"), kind="monitor"
    )
    walk_in = _person(staff, hub, "Jan", "Binnen")
    device = _ready_monitor(staff, hub)
    site.sign_in(staff.email, PASSWORD)
    site.switch_language("en")
    site.visit(f"/h/{hub.slug}/lending/people/{walk_in.pk}/checkout/")
    form = site.main_form()
    form.locator("input[name=tag]").fill(str(device.tag))
    site.submit(form.locator("button[type=submit]"))
    expect(site.page.locator(".error-summary")).to_contain_text(
        "1 person waits for this kind of device"
    )
    assert not Loan.objects.exists()
    form = site.main_form()
    form.get_by_label("I know people are waiting; lend anyway").check()
    site.submit(form.locator("button[type=submit]"))
    assert Loan.objects.get().participant_id == walk_in.pk
    site.finish()
