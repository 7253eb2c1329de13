"""Lending's state model in the browser, with axe-core on every page: retiring a lent
device from the device page leads to the lost / stolen page, which closes the loan and
retires the device; the "ready and wanted" list."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from digibank.accounts.models import User
from digibank.devices.models import DeviceStatus
from digibank.devices.services import device_register, device_transition
from digibank.lending import services
from digibank.network.models import Hub
from digibank.people import services as people_services

from .conftest import TEST_PASSWORD as PASSWORD
from .conftest import Site

pytestmark = pytest.mark.browser


def test_retiring_a_lent_device_closes_the_loan_as_stolen(
    site: Site, coordinator: User, hub: Hub
) -> None:
    person = people_services.participant_create(
        actor=coordinator, hub=hub, data={"given_name": "Jef", "family_name": "Claes"}
    )
    device = device_register(actor=coordinator, hub=hub, kind="monitor", make="Dell", model="P24")
    device_transition(actor=coordinator, device=device, to=DeviceStatus.READY)
    loan = services.loan_checkout(actor=coordinator, hub=hub, device=device, participant=person)
    other = device_register(actor=coordinator, hub=hub, kind="monitor", make="HP", model="E24")
    device_transition(actor=coordinator, device=other, to=DeviceStatus.READY)
    services.request_create(
        actor=coordinator,
        participant=people_services.participant_create(
            actor=coordinator, hub=hub, data={"given_name": "Noor", "family_name": "Haddad"}
        ),
        kind="monitor",
    )
    site.sign_in(coordinator.email, PASSWORD)
    site.switch_language("en")
    site.visit(f"/h/{hub.slug}/devices/{device.pk}/")
    page = site.page
    site.click(page.locator("main a", has_text="Retire"))
    assert site.path == f"/h/{hub.slug}/lending/loans/{loan.pk}/lost/"
    form = site.main_form()
    site.submit(form.locator("button[type=submit]"))
    expect(page.locator(".error-summary")).to_be_visible()
    form = site.main_form()
    form.locator("input[name=loss][value=stolen]").check()
    form.locator("input[name=police_report]").fill("PV GE.55.L3.012345/26")
    site.submit(form.locator("button[type=submit]"))
    assert site.path == f"/h/{hub.slug}/lending/loans/{loan.pk}/"
    expect(page.locator("main")).to_contain_text("Stolen")
    device.refresh_from_db()
    assert device.status == DeviceStatus.RETIRED
    assert device.retirement_reason == "stolen"

    site.visit(f"/h/{hub.slug}/lending/waiting/ready/")
    expect(page.locator("main")).to_contain_text(str(other.tag))
    site.submit(page.locator("main form button[type=submit]").first)
    expect(page.locator("main")).to_contain_text("Noor Haddad")
