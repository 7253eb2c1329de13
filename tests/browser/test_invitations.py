"""Accepting an invitation in the browser (Dutch), with axe-core on every page: the
coordinator invites a new volunteer, the team page shows the invitation as waiting, and
the volunteer follows the e-mailed link, chooses a password, says yes and lands in the
hub. A hub page opened before saying yes answers nothing."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from digibank.accounts.models import Membership, User
from digibank.network.models import Hub

from .conftest import TEST_PASSWORD, Site

pytestmark = pytest.mark.browser

NEW_PASSWORD = "een-lang-en-goed-wachtwoord"


def link_to(address: str, path_start: str) -> str:
    bodies = [str(message.body) for message in mail.outbox if message.to == [address]]
    found = [m.group(0) for body in bodies if (m := re.search(rf"http\S+{path_start}\S+", body))]
    assert found, f"no e-mail to {address} with {path_start}"
    return found[-1]


def test_a_new_volunteer_accepts_an_invitation(site: Site, coordinator: User, hub: Hub) -> None:
    page = site.page
    site.sign_in(coordinator.email, TEST_PASSWORD)
    site.visit(f"/h/{hub.slug}/team/")
    site.click(page.locator("main a[href$='/team/invite/']"))
    form = site.main_form()
    form.locator("input[name=email]").fill("vera@example.org")
    form.locator("input[name=full_name]").fill("Vera Vrijwilliger")
    form.locator("input[name=role][value=digihelper]").check()
    site.submit(form.locator("button[type=submit]"))
    assert site.path == f"/h/{hub.slug}/team/"
    row = page.locator("tr", has_text="vera@example.org")
    expect(row).to_contain_text("Uitgenodigd, nog geen ja gezegd")
    expect(row.locator("button", has_text="Uitnodiging intrekken")).to_be_visible()
    site.submit(page.locator("header form[action$='/logout/'] button"))

    invitation = link_to("vera@example.org", "/accounts/invitation/")
    site.visit(invitation)
    expect(page.locator("h1")).to_contain_text(hub.name)
    form = site.main_form()
    form.locator("input[name=new_password1]").fill(NEW_PASSWORD)
    form.locator("input[name=new_password2]").fill("een-ander-wachtwoord-42")
    site.submit(form.locator("button[type=submit]"))
    expect(page.locator(".error-summary")).to_be_visible()
    assert Membership.objects.get(user__email="vera@example.org").pending

    form = site.main_form()
    form.locator("input[name=new_password1]").fill(NEW_PASSWORD)
    form.locator("input[name=new_password2]").fill(NEW_PASSWORD)
    site.submit(form.locator("button[type=submit]"))
    assert site.path == f"/h/{hub.slug}/"
    expect(page.locator("header")).to_contain_text(hub.name)
    membership = Membership.objects.get(user__email="vera@example.org")
    assert membership.is_active
    assert not membership.pending

    site.visit(invitation)  # used: a clear message, no error
    expect(page.locator("h1")).to_contain_text("werkt niet meer")
