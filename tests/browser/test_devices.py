"""Registering a donated laptop through the data wipe to ready: the form with a mistake
first, the refused 'ready' without a wipe, the wipe form, then ready; and its label."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from digibank.accounts.models import User
from digibank.devices.models import DataWipe, Device
from digibank.network.models import Hub, Location, Municipality, Organisation

from .conftest import TEST_PASSWORD as PASSWORD
from .conftest import Site

pytestmark = pytest.mark.browser


def test_register_a_donated_laptop_through_wipe_to_ready(
    site: Site, coordinator: User, hub: Hub
) -> None:
    page = site.page
    gent = Municipality.objects.get(postcodes__code="9000", postcodes__place_name="Gent")
    Location.objects.create(
        hub=hub, name="Digipunt Zuid", kind="digipunt", postcode="9000", municipality=gent
    )
    donor = Organisation.objects.create(name="Bank Donor NV", kind="company")
    hub.partners.create(organisation=donor, partner_type="company")

    site.sign_in(coordinator.email, PASSWORD)
    site.click(page.locator(f"nav.hub-nav a[href='/h/{hub.slug}/devices/']"))
    site.click(page.locator(f"main a[href='/h/{hub.slug}/devices/new/']").first)

    form = site.main_form()
    form.locator("select[name=kind]").select_option("laptop")
    form.locator("input[name=make]").fill("Lenovo")
    form.locator("input[name=model]").fill("ThinkPad T480")
    form.locator("input[name=serial_number]").fill("PF-1A2B3C")
    form.locator("input[name=ram_gb]").fill("8")
    form.locator("select[name=keyboard_layout]").select_option("azerty")
    form.locator("select[name=source]").select_option("donation")
    form.locator("select[name=donor]").select_option(label="Bank Donor NV")
    form.locator("input[name=value]").fill("a lot")
    site.submit(form.locator("button[type=submit]"))
    expect(page.locator(".error-summary a[href='#id_value']")).to_be_visible()
    assert not Device.objects.exists()

    form = site.main_form()
    form.locator("input[name=value]").fill("150")
    form.locator("select[name=location]").select_option(label="Digipunt Zuid")
    site.submit(form.locator("button[type=submit]"))
    errors = page.locator(".error-summary")
    assert not errors.count(), errors.inner_text()
    device = Device.objects.get()
    assert site.path == f"/h/{hub.slug}/devices/{device.pk}/"
    assert device.tag is not None
    expect(page.locator("h1")).to_contain_text(device.tag)

    site.submit(page.locator("main button", has_text="Gegevenswissing starten"))
    expect(page.locator("main")).to_contain_text("Gegevenswissing")  # the site speaks Dutch
    ready = page.locator("main button", has_text="Klaar om uit te lenen")
    expect(ready).to_be_disabled()

    site.click(page.locator("main a", has_text="Een gegevenswissing registreren"))
    form = site.main_form()
    form.locator("input[name=method][value=purge]").check()
    form.locator("input[name=tool]").fill("nwipe")
    form.locator("input[name=result][value=passed]").check()
    form.locator("input[name=certificate_number]").fill("NW-2025-001")
    site.submit(form.locator("button[type=submit]"))
    assert DataWipe.objects.filter(device=device, result="passed").exists()

    site.submit(page.locator("main button", has_text="Klaar om uit te lenen"))
    device.refresh_from_db()
    assert device.status == "ready"
    expect(page.locator("main .devices-history")).to_contain_text("NW-2025-001")

    site.click(page.locator("main a", has_text="Etiket afdrukken"))
    expect(page.locator("main svg")).to_have_count(1)
    site.finish()
